"""SDI screens of a family's money, for the régie.

- ``/manage/familles/<n>/@@compte`` (tab "Compte" of a Famille): the
  operations of the account, its credit, its unpaid invoices and "Enregistrer
  un règlement" (Chèque, Espèces, …), allocated to the ticked invoices or
  else to the oldest unpaid ones; an overpayment is a credit on the account.
- ``…/factures/AL-36/@@facture``: one invoice, its lines, what settles it,
  and "Émettre un avoir" (a numbered invoice is corrected, never deleted).
- ``…/reglements/AL-228/@@reglement`` and ``…/factures/AL-37/@@avoir``: one
  payment, one credit note, read only, with its PDF (the receipt, the
  credit note); a payment's cancellation ("Annuler ce règlement") and a
  refund of the account's credit are ``corrections``'.

A payment's receipt and a credit note are frozen as they are recorded
(``figement.a_figer``: the PDF rendered and kept once the request's
transaction has committed).

Everybody with ``P.FACTURE_VOIR`` (agents, régisseurs) reads them; only
``P.FACTURATION_GERER`` (régisseurs) records.  Numbered documents cannot be
deleted, renamed, moved, copied or duplicated, by anybody
(``permanence``; the SDI's contents tab: ``sdi.contenu``).
"""

from pyramid.httpexceptions import HTTPFound
from substanced.sdi import RIGHT, mgmt_view

from ... import dates, montants
from ...familles.resources import IFamille
from ...i18n import _
from ...montants import ZERO, euros
from ...security import P, login
from ...structures.schemas import UNITES as _UNITES
from .. import compte, corrections, figement, pdf, service
from ..corrections import Annulation, Remboursement
from ..regies import IRegie, regie_de, regies
from ..resources import (
    MODES,
    TITRES_MODES,
    Avoir,
    Facture,
    IAvoir,
    IFacture,
    IReglement,
    Reglement,
)

UNITES = dict(_UNITES)
REFERENCE_MAX = 100
MOTIF_MAX = 1000


def _tr(request, value):
    return request.localizer.translate(value)


def _chaine(request, name, limite):
    value = request.POST.get(name, "")
    return value.strip()[: limite + 1] if isinstance(value, str) else ""


def lire_montant(request, text):
    """(amount, error) of a typed amount (``montants.lire``): above 0."""
    maximum = montants.montant_max(request.registry.settings)
    try:
        return montants.lire(text, maximum, positif=True), None
    except montants.MontantInvalide as refus:
        return None, refus.args[0]


def lire_date(text):
    """(day, error) of a typed date (AAAA-MM-JJ or jj/mm/aaaa): today or
    before."""
    day = dates.lire_date(text)
    if day is None:
        return None, _("Date invalide (AAAA-MM-JJ ou jj/mm/aaaa).")
    if day > dates.today():
        return None, _("La date ne peut pas être dans le futur.")
    return day, None


def document(famille, numero):
    """The family's invoice, credit note or payment numbered ``numero``."""
    return service.factures(famille).get(numero) or service.reglements(famille).get(numero)


def _lien(request, operation):
    if operation is None:
        return None
    vue = {
        Facture: "@@facture",
        Avoir: "@@avoir",
        Reglement: "@@reglement",
        Annulation: "@@annulation",
        Remboursement: "@@remboursement",
    }[type(operation)]
    return request.sdiapi.mgmt_path(operation, vue)


def affectations(request, operation):
    """The other side of each allocation of ``operation``."""
    famille = operation.famille
    lignes = []
    for numero, montant in sorted(operation.affectations.items()):
        autre = document(famille, numero)
        lignes.append(
            {
                "numero": numero,
                "url": _lien(request, autre),
                "date": dates.courte(autre.date) if autre is not None else "",
                "description": autre.description if autre is not None else "",
                "montant": euros(montant),
            }
        )
    return lignes


def _mention(request, operation):
    """'Annulé le … (AL-230 : motif)' of a cancelled payment, else ''."""
    mention = corrections.mention(operation)
    return _tr(request, mention) if mention is not None else ""


def _flash(request, message):
    # The SDI escapes its flash messages (sdi.echappement).
    request.sdiapi.flash(_tr(request, message), "success")


class _Vue:
    def __init__(self, context, request):
        self.context = context
        self.request = request

    @property
    def peut_gerer(self):
        return bool(self.request.has_permission(P.FACTURATION_GERER, self.context))

    def erreurs(self, found):
        """The translated messages; a form with errors answers 400."""
        if found:
            self.request.response.status = 400
        return {name: _tr(self.request, message) for name, message in found.items()}


# --- The family's account ----------------------------------------------------------


@mgmt_view(
    context=IFamille,
    name="compte",
    tab_title=_("Compte"),
    # last: a family's page still opens on the tab it opened on before
    tab_near=RIGHT,
    permission=P.FACTURE_VOIR,
    renderer="portail_famille.facturation:templates/compte_sdi.pt",
    request_method="GET",
)
class CompteView(_Vue):
    """The account (GET); "Enregistrer un règlement" (régisseurs) is its
    own view."""

    def __call__(self):
        return self.show()

    def regies(self):
        return regies(self.request.root)

    @mgmt_view(
        context=IFamille,
        name="compte",
        permission=P.FACTURATION_GERER,
        renderer="portail_famille.facturation:templates/compte_sdi.pt",
        request_method="POST",
        tab_condition=False,
    )
    def enregistrer(self):
        request = self.request
        famille = self.context
        post = request.POST
        found = {}
        nom_regie = post.get("regie", "")
        regie = request.root["regies"].get(nom_regie) if isinstance(nom_regie, str) else None
        if regie is None or not IRegie.providedBy(regie):
            found["regie"] = _("Choisissez la régie.")
        mode = post.get("mode", "")
        if mode not in TITRES_MODES:
            found["mode"] = _("Choisissez le mode de règlement.")
        montant, erreur = lire_montant(request, post.get("montant", ""))
        if erreur is not None:
            found["montant"] = erreur
        date, erreur = lire_date(post.get("date", ""))
        if erreur is not None:
            found["date"] = erreur
        reference = _chaine(request, "reference", REFERENCE_MAX)
        if len(reference) > REFERENCE_MAX:
            found["reference"] = _(
                "La référence ne peut dépasser ${max} caractères.", mapping={"max": REFERENCE_MAX}
            )
        cochees = [n for n in post.getall("factures") if isinstance(n, str)]
        numeros = None
        if cochees and "regie" not in found:
            impayees = service.impayees(famille, regie)
            connues = {f.numero for f in impayees if f.tresor is None}
            inconnues = [n for n in cochees if n not in connues]
            au_tresor = [f.numero for f in impayees if f.tresor is not None and f.numero in cochees]
            if au_tresor:
                found["factures"] = _(
                    "${numero} a été transmise au Trésor public : elle se règle auprès du "
                    "Trésor public, plus à la régie.",
                    mapping={"numero": au_tresor[0]},
                )
            elif inconnues:
                found["factures"] = _(
                    "${numero} n'est pas une facture impayée de cette famille à cette régie.",
                    mapping={"numero": inconnues[0][:20]},
                )
            else:
                numeros = [f.numero for f in impayees if f.numero in cochees]
        if found:
            return self.show(self.erreurs(found))
        try:
            reglement = service.enregistrer_reglement(
                famille,
                regie,
                date,
                montant,
                mode,
                numeros=numeros,
                reference=reference,
                par=login(request),
                registry=request.registry,
            )
        except service.FacturationError as e:
            request.tm.doom()
            return self.show(self.erreurs({"montant": e.args[0]}))
        figement.a_figer(reglement, request)
        mapping = {
            "numero": reglement.numero,
            "montant": euros(reglement.montant),
            "credit": euros(reglement.disponible),
        }
        if reglement.disponible > ZERO:
            message = _(
                "Règlement ${numero} enregistré : ${montant}, dont ${credit} en crédit "
                "sur le compte.",
                mapping=mapping,
            )
        else:
            message = _("Règlement ${numero} enregistré : ${montant}.", mapping=mapping)
        _flash(request, message)
        return HTTPFound(request.sdiapi.mgmt_path(famille, "@@compte"))

    def show(self, erreurs=None):
        request = self.request
        famille = self.context
        post = request.POST if erreurs else {}
        impayees = service.impayees(famille)
        lignes = [
            {
                "numero": o.numero,
                "url": _lien(request, o),
                "date": dates.courte(o.date),
                "description": o.description,
                "mention": _mention(request, o),
                "regie": o.regie,
                "debit": euros(compte.debit(o)) if o.sens == "debit" else "",
                "credit": euros(compte.credit(o)) if o.sens == "credit" else "",
                "reste": euros(o.reste) if isinstance(o, Facture) else "",
                # its PDF (a payment's receipt) printed from here
                "pdf": request.resource_path(o, pdf.PDF),
                "texte_pdf": _tr(
                    request, _("Imprimer ${numero} (PDF)", mapping={"numero": o.numero})
                ),
            }
            for o in compte.operations(famille)
        ]
        toutes = self.regies()
        valeur_regie = post.get("regie") or (toutes[0].__name__ if len(toutes) == 1 else "")
        cochees = set(post.getall("factures")) if post else set()
        credit = service.credit_disponible(famille)
        return {
            "famille": famille,
            "operations": lignes,
            "credit": euros(credit),
            "rembourser": request.sdiapi.mgmt_path(famille, "@@rembourser")
            if self.peut_gerer and credit > ZERO
            else None,
            "impayees": [
                {
                    "numero": f.numero,
                    "url": _lien(request, f),
                    "date": dates.courte(f.date),
                    "echeance": dates.courte(f.echeance),
                    "regie": f.regie,
                    "montant": euros(f.montant),
                    "reste": euros(f.reste),
                    "cochee": f.numero in cochees,
                    "tresor": f.tresor is not None,
                }
                for f in impayees
            ],
            "total_du": euros(sum((f.reste for f in impayees), ZERO)),
            "peut_gerer": self.peut_gerer,
            "regies": [(r.__name__, r.title) for r in toutes],
            "modes": [(code, _tr(request, titre)) for code, titre in MODES],
            "valeurs": {
                "regie": valeur_regie,
                "mode": post.get("mode", ""),
                "montant": post.get("montant", ""),
                "date": post.get("date") or dates.today().isoformat(),
                "reference": post.get("reference", ""),
            },
            "erreurs": erreurs or {},
            "action": request.sdiapi.mgmt_path(famille, "@@compte"),
            "csrf_token": request.session.get_csrf_token(),
        }


# --- One invoice -------------------------------------------------------------------


@mgmt_view(
    context=IFacture,
    name="facture",
    tab_title=_("Facture"),
    permission=P.FACTURE_VOIR,
    renderer="portail_famille.facturation:templates/facture_sdi.pt",
    request_method="GET",
)
class FactureView(_Vue):
    """The invoice (GET); "Émettre un avoir" (régisseurs) is its own
    view."""

    def __call__(self):
        return self.show()

    @mgmt_view(
        context=IFacture,
        name="facture",
        permission=P.FACTURATION_GERER,
        renderer="portail_famille.facturation:templates/facture_sdi.pt",
        request_method="POST",
        tab_condition=False,
    )
    def emettre_avoir(self):
        request = self.request
        facture = self.context
        plafond = service.a_crediter(facture)
        found = {}
        montant, erreur = lire_montant(request, request.POST.get("montant", ""))
        if erreur is not None:
            found["montant"] = erreur
        elif montant > plafond:
            found["montant"] = _(
                "Le montant de l'avoir ne peut dépasser ${plafond}, ce qui reste à créditer "
                "sur cette facture.",
                mapping={"plafond": euros(plafond)},
            )
        motif = _chaine(request, "motif", MOTIF_MAX)
        if not motif:
            found["motif"] = _("Indiquez le motif de l'avoir.")
        elif len(motif) > MOTIF_MAX:
            found["motif"] = _(
                "Le motif ne peut dépasser ${max} caractères.", mapping={"max": MOTIF_MAX}
            )
        date, erreur = lire_date(request.POST.get("date", ""))
        if erreur is not None:
            found["date"] = erreur
        elif date < facture.date:
            found["date"] = _("L'avoir ne peut précéder la facture.")
        regie = regie_de(facture)
        if regie is None:
            found["montant"] = _("La régie de cette facture n'existe plus.")
        if found:
            return self.show(self.erreurs(found))
        try:
            avoir = service.emettre_avoir(
                facture,
                regie,
                date,
                motif,
                montant=montant,
                par=login(request),
                registry=request.registry,
            )
        except service.FacturationError as e:
            request.tm.doom()
            return self.show(self.erreurs({"montant": e.args[0]}))
        figement.a_figer(avoir, request)
        mapping = {
            "numero": avoir.numero,
            "montant": euros(avoir.montant),
            "facture": facture.numero,
        }
        if facture.annulee_par:
            message = _(
                "Avoir ${numero} émis : ${montant}. La facture ${facture} est annulée.",
                mapping=mapping,
            )
        else:
            message = _(
                "Avoir ${numero} émis : ${montant} sur la facture ${facture}.", mapping=mapping
            )
        _flash(request, message)
        return HTTPFound(request.sdiapi.mgmt_path(facture, "@@facture"))

    def show(self, erreurs=None):
        request = self.request
        facture = self.context
        post = request.POST if erreurs else {}
        plafond = service.a_crediter(facture)
        avoirs = service.avoirs_de(facture)
        return {
            "facture": facture,
            "famille": facture.famille,
            "compte": request.sdiapi.mgmt_path(facture.famille, "@@compte"),
            "pdf": request.resource_path(facture, "pdf"),
            "date": dates.courte(facture.date),
            "echeance": dates.courte(facture.echeance),
            "lignes": [
                {
                    "enfant": ligne.get("enfant", ""),
                    "structure": ligne.get("structure", ""),
                    "prestation": ligne.get("prestation", ""),
                    "unite": _tr(request, UNITES.get(ligne.get("unite"), ligne.get("unite", ""))),
                    "quantite": ligne.get("quantite", ""),
                    "prix": euros(ligne["prix"]) if ligne.get("prix") is not None else "",
                    "montant": euros(ligne["montant"]),
                }
                for ligne in facture.lignes
            ],
            "montant": euros(facture.montant),
            "regle": euros(facture.affecte),
            "reste": euros(facture.reste),
            "relances": compte.relances_envoyees(request, facture),
            "affectations": affectations(request, facture),
            "avoirs": [
                {
                    "numero": a.numero,
                    "url": _lien(request, a),
                    "date": dates.courte(a.date),
                    "montant": euros(a.montant),
                    "motif": a.motif,
                }
                for a in avoirs
            ],
            "annulee_par": facture.annulee_par,
            "a_crediter": euros(plafond),
            "peut_crediter": plafond > ZERO,
            "peut_gerer": self.peut_gerer,
            "valeurs": {
                "montant": post.get("montant") or montants.nombre(plafond),
                "motif": post.get("motif", ""),
                "date": post.get("date") or dates.today().isoformat(),
            },
            "erreurs": erreurs or {},
            "action": request.sdiapi.mgmt_path(facture, "@@facture"),
            "csrf_token": request.session.get_csrf_token(),
        }


# --- One payment, one credit note ------------------------------------------------------


def valeurs_document(request, operation):
    """What the read-only tab of any numbered document shows."""
    return {
        "operation": operation,
        "famille": operation.famille,
        "compte": request.sdiapi.mgmt_path(operation.famille, "@@compte"),
        "date": dates.courte(operation.date),
        "montant": euros(operation.montant),
        "affectations": affectations(request, operation),
        "enregistre_le": dates.moment(operation.emise_le),
        "pdf": request.resource_path(operation, pdf.PDF),
    }


def _document(context, request):
    operation = context
    values = valeurs_document(request, operation)
    values["disponible"] = euros(operation.disponible)
    values["reglement"] = isinstance(operation, Reglement)
    values["remboursements"] = [
        {"numero": r.numero, "url": _lien(request, r), "date": dates.courte(r.date)}
        for r in corrections.remboursements_de(operation)
    ]
    if values["reglement"]:
        values["mode"] = _tr(request, TITRES_MODES.get(operation.mode, operation.mode))
        values["mention"] = _mention(request, operation)
        annulation = corrections.annulation_de(operation)
        values["annulation_url"] = _lien(request, annulation)
        peut_gerer = bool(request.has_permission(P.FACTURATION_GERER, context))
        obstacle = corrections.obstacle(operation)
        values["annuler"] = (
            request.sdiapi.mgmt_path(operation, "@@annuler")
            if peut_gerer and obstacle is None
            else None
        )
        values["obstacle"] = (
            _tr(request, obstacle) if peut_gerer and obstacle and annulation is None else ""
        )
    else:
        facture = service.factures(operation.famille).get(operation.facture)
        values["facture_url"] = _lien(request, facture)
    return values


@mgmt_view(
    context=IReglement,
    name="reglement",
    tab_title=_("Règlement"),
    permission=P.FACTURE_VOIR,
    renderer="portail_famille.facturation:templates/reglement_sdi.pt",
)
def reglement_view(context, request):
    return _document(context, request)


@mgmt_view(
    context=IAvoir,
    name="avoir",
    tab_title=_("Avoir"),
    permission=P.FACTURE_VOIR,
    renderer="portail_famille.facturation:templates/reglement_sdi.pt",
)
def avoir_view(context, request):
    return _document(context, request)
