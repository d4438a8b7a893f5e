"""The agent's page of a late absence with a certificate
(``/manage/familles/<n>/demandes/<id>/@@absence-justifiee``, the queue's
link for that type): the family, the child, the day and its state, the
parent's reason, whether the day is already invoiced, the request's
documents listed as on every request's page (``demandes.pieces.macro``:
the certificate's download needs ``P.SANTE_VOIR``, a régisseur sees that
there is one, not what it says); then the decision with its reason:
"Absent excusé" (not billed; credited when invoiced) or "Absent facturé".

Everybody with ``P.DEMANDES_VOIR`` sees the page; only who holds the
type's permission (``P.PLANNING_TRAITER``) decides, whatever the page
showed.  Each button is its own view.
"""

from pyramid.httpexceptions import HTTPForbidden, HTTPFound
from substanced.sdi import mgmt_view

from ... import dates
from ...demandes import cycle, pieces
from ...demandes.resources import EN_ATTENTE, IDemande
from ...demandes.sdi import MOTIF_MAX, lire_motif, peut_traiter
from ...i18n import _
from ...inscriptions import prestation_de
from ...security import P, login
from .. import cells, justificatifs
from ..legende import ETATS

VUE = justificatifs.TYPE_DEMANDE.vue_traitement
EXCUSER = "excuser"
FACTURER = "facturer"
RENDERER = "portail_famille.planning:templates/absence_justifiee.pt"
# What the page's two buttons share (each its own view, by its request_param).
BOUTON = {
    "context": IDemande,
    "name": VUE,
    "permission": P.DEMANDES_VOIR,
    "renderer": RENDERER,
    "request_method": "POST",
    "tab_condition": False,
}


def _est_absence_justifiee(context, request):
    return getattr(context, "type_demande", None) == justificatifs.TYPE


@mgmt_view(
    context=IDemande,
    name=VUE,
    tab_title=_("Décider"),
    tab_condition=_est_absence_justifiee,
    permission=P.DEMANDES_VOIR,
    renderer=RENDERER,
    request_method="GET",
)
class AbsenceJustifieeView:
    def __init__(self, context, request):
        if context.type_demande != justificatifs.TYPE:
            raise HTTPFound(request.sdiapi.mgmt_path(context, "@@traiter"))
        self.context = context
        self.request = request

    def __call__(self):
        return self.show()

    def show(self, erreur_motif=None, motif=""):
        request = self.request
        demande = self.context
        translate = request.localizer.translate
        famille = demande.famille
        enfant = demande.objet_enfant()
        prestation = prestation_de(famille, demande.prestation)
        etat = None
        facture = None
        if enfant is not None and demande.jour is not None:
            etat = cells.etat(enfant, demande.prestation, demande.jour)
            factures = cells.facturees(enfant, demande.prestation, demande.jour, demande.jour)
            facture = factures.get(demande.jour)
        en_attente = demande.etat == EN_ATTENTE
        return {
            "famille": {
                "numero": famille.numero,
                "nom": famille.nom_complet,
                "url": request.sdiapi.mgmt_path(famille, "@@fiche"),
            },
            "enfant": demande.nom_enfant,
            "activite": (
                "%s — %s" % (prestation.structure.title, prestation.title)
                if prestation is not None
                else demande.valeurs.get("activite", "")
            ),
            "jour": dates.en_toutes_lettres(demande.jour) if demande.jour else "",
            "etat_jour": translate(ETATS[etat][1]) if etat in ETATS else "",
            "facture": facture,
            "raison": demande.valeurs.get("motif", ""),
            "date": dates.moment(demande.date_demande),
            "demandeur": demande.demandeur,
            "pieces": pieces.lignes_sdi(request, demande),
            "macro_pieces": pieces.macro(),
            "etat": translate(demande.titre_etat),
            "decision": None if en_attente else translate(cycle.decision(demande)),
            "motif_decision": cycle.motif_reponse(demande),
            "traite_par": demande.traite_par,
            "date_traitement": dates.moment(demande.date_traitement),
            "permis": en_attente and peut_traiter(request, demande),
            "en_attente": en_attente,
            "erreur_motif": erreur_motif and translate(erreur_motif),
            "motif": motif,
            "motif_max": MOTIF_MAX,
            "action": request.sdiapi.mgmt_path(demande, "@@" + VUE),
            "file": request.sdiapi.mgmt_path(request.root, "@@demandes"),
            "csrf_token": request.session.get_csrf_token(),
        }

    def decider(self, excuse):
        request = self.request
        demande = self.context
        if not peut_traiter(request, demande):
            raise HTTPForbidden()
        motif = lire_motif(request.POST, "motif")
        erreur = None
        if not motif:
            erreur = _("Indiquez le motif de la décision : la famille le lira.")
        elif len(motif) > MOTIF_MAX:
            erreur = _("Le motif ne peut dépasser ${max} caractères.", mapping={"max": MOTIF_MAX})
        if erreur is not None:
            request.response.status = 400
            return self.show(erreur_motif=erreur, motif=motif)
        try:
            justificatifs.decider(demande, excuse, motif, login(request), request)
        except cycle.DemandeError as refus:
            request.sdiapi.flash(request.localizer.translate(refus.message), "warning")
            return HTTPFound(request.sdiapi.mgmt_path(demande, "@@" + VUE))
        decision = request.localizer.translate(cycle.decision(demande))
        request.sdiapi.flash(
            request.localizer.translate(
                _(
                    "Absence avec justificatif de ${enfant} le ${jour} : ${decision}.",
                    mapping={
                        "enfant": demande.prenom_enfant,
                        "jour": dates.courte(demande.jour),
                        "decision": decision,
                    },
                )
            ),
            "success",
        )
        return HTTPFound(request.sdiapi.mgmt_path(request.root, "@@demandes"))

    @mgmt_view(request_param=EXCUSER, **BOUTON)
    def excuser(self):
        """ "Absent excusé": the day is not billed."""
        return self.decider(True)

    @mgmt_view(request_param=FACTURER, **BOUTON)
    def facturer(self):
        """ "Absent facturé": the day is billed."""
        return self.decider(False)
