"""The staff's side of the SEPA mandates: the "Prélèvement" block of the
family's file (``bloc_fiche``), the mandate's PDF with the full IBAN
(``@@mandat-sepa.pdf?mandat=<rank>``, ``P.FAMILLE_IBAN_VOIR``, journaled
like every full IBAN shown) and the revocation by staff
(``@@revoquer-mandat?mandat=<rank>``: a reason, a confirmation, then
``P.MANDAT_REVOQUER``; journaled, the family told by mail)."""

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.renderers import get_renderer
from substanced.sdi import mgmt_view

from .. import dates
from ..demandes.sdi import journaliser_iban, lire_motif
from ..familles.resources import IFamille
from ..familles.validators import masquer_iban
from ..i18n import _
from ..security import P, login
from . import creancier, mandats, service
from .pdf import rendre_mandat

PDF = "mandat-sepa.pdf"
REVOQUER = "revoquer-mandat"
MOTIF_MAX = 1000
BLOC = "portail_famille.prelevement:templates/fiche_bloc.pt"


def macro_bloc():
    """The block's macro, for the family's file's template."""
    return get_renderer(BLOC).implementation().macros["prelevement"]


def _courte(day):
    return dates.courte(day) if day else ""


def bloc_fiche(request, famille):
    """What the family's file shows of its mandates, newest first: state,
    RUM, dates, titular, the IBAN masked, the PDF (with the permission to
    read the full IBAN) and "Révoquer" (with ``P.MANDAT_REVOQUER``)."""
    translate = request.localizer.translate
    mgmt = request.sdiapi.mgmt_path
    pdf = request.has_permission(P.FAMILLE_IBAN_VOIR, famille)
    revoquer = request.has_permission(P.MANDAT_REVOQUER, famille)
    lignes = []
    liste = mandats.mandats(famille)
    for rang in range(len(liste), 0, -1):
        mandat = liste[rang - 1]
        etat = mandat.etat()
        lignes.append(
            {
                "rum": mandat.rum,
                "signe_le": _courte(mandat.signe_le),
                "etat": etat,
                "libelle_etat": translate(mandats.ETATS[etat]),
                "revoque_le": _courte(mandat.revoque_le),
                "revoque_par": mandat.revoque_par,
                "motif": mandat.motif_revocation,
                "titulaire": mandat.titulaire,
                "iban": masquer_iban(mandat.iban),
                "bic": mandat.bic,
                "sequence": mandat.sequence,
                "pdf": mgmt(famille, "@@" + PDF, query={"mandat": rang}) if pdf else None,
                "revoquer": (
                    mgmt(famille, "@@" + REVOQUER, query={"mandat": rang})
                    if revoquer and etat == mandats.ACTIF
                    else None
                ),
            }
        )
    return {"mandats": lignes, "creancier": creancier(request.registry.settings)}


def _mandat(context, request):
    mandat = service.par_rang(context, request.params.get("mandat"))
    if mandat is None:
        raise HTTPNotFound()
    return mandat


@mgmt_view(
    context=IFamille,
    name=PDF,
    permission=P.FAMILLE_IBAN_VOIR,
    request_method=("GET", "HEAD"),
    tab_condition=False,
)
def mandat_pdf(context, request):
    """The mandate's PDF with the full IBAN: journaled (a write on GET, on
    purpose: who read which family's IBAN, when)."""
    mandat = _mandat(context, request)
    journaliser_iban(request, context, mandat=mandat.rum)
    return rendre_mandat(request, context, mandat, complet=True)


@mgmt_view(
    context=IFamille,
    name=REVOQUER,
    permission=P.MANDAT_REVOQUER,
    renderer="templates/revoquer.pt",
    request_method="GET",
    tab_condition=False,
)
class RevoquerMandatView:
    """GET: the mandate, the reason to give, the confirmation; POST
    (``revoquer``): revoked."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self):
        return self.show()

    def show(self, erreur=None, motif=""):
        request = self.request
        famille = self.context
        mandat = _mandat(famille, request)
        etat = mandat.etat()
        translate = request.localizer.translate
        return {
            "nom": famille.nom_complet,
            "numero": famille.numero,
            "rum": mandat.rum,
            "rang": service.rang(famille, mandat),
            "signe_le": _courte(mandat.signe_le),
            "titulaire": mandat.titulaire,
            "iban": masquer_iban(mandat.iban),
            "libelle_etat": translate(mandats.ETATS[etat]),
            "actif": etat == mandats.ACTIF,
            "erreur": erreur and translate(erreur),
            "motif": motif,
            "motif_max": MOTIF_MAX,
            "action": request.sdiapi.mgmt_path(famille, "@@" + REVOQUER),
            "retour": request.sdiapi.mgmt_path(famille, "@@fiche"),
            "csrf_token": request.session.get_csrf_token(),
        }

    @mgmt_view(
        context=IFamille,
        name=REVOQUER,
        permission=P.MANDAT_REVOQUER,
        renderer="templates/revoquer.pt",
        request_method="POST",
        request_param="revoquer",
        tab_condition=False,
    )
    def revoquer(self):
        request = self.request
        famille = self.context
        mandat = _mandat(famille, request)
        motif = lire_motif(request.POST, "motif")
        if not motif:
            request.response.status = 400
            return self.show(erreur=_("Indiquez le motif de la révocation."))
        if len(motif) > MOTIF_MAX:
            request.response.status = 400
            return self.show(
                erreur=_(
                    "Le motif ne peut dépasser ${max} caractères.", mapping={"max": MOTIF_MAX}
                ),
                motif=motif,
            )
        translate = request.localizer.translate
        try:
            service.revoquer_par_personnel(request, famille, mandat, motif, login(request))
        except service.MandatIntrouvable as refus:
            request.sdiapi.flash(translate(refus.message), "warning")
        else:
            request.sdiapi.flash(
                translate(
                    _(
                        "Mandat ${rum} révoqué ; la famille ${nom} en est informée.",
                        mapping={"rum": mandat.rum, "nom": famille.nom_complet},
                    )
                ),
                "success",
            )
        return HTTPFound(request.sdiapi.mgmt_path(famille, "@@fiche"))
