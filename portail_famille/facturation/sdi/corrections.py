"""SDI screens that correct payments (``corrections``), for the régie:

- ``…/reglements/AL-229/@@annuler``: what cancelling the payment does
  (the invoices due again, the credit taken off), its reason and date,
  then "Confirmer l'annulation" (POST);
- ``/manage/familles/<n>/@@rembourser``: a refund of the account's credit
  (régie, mode, amount, date, reason), checked, then a confirmation that
  states it ("Confirmer le remboursement");
- ``…/reglements/AL-230/@@annulation`` and ``…/@@remboursement``: the
  documents, read only, with their PDF.

Reading: ``P.FACTURE_VOIR``; cancelling and refunding:
``P.FACTURATION_GERER`` (régisseurs, administrators), the views' own
permission, so an agent's POST is a 403 before anything is read.  Each
document is frozen as it is issued (``figement.a_figer``).
"""

from pyramid.httpexceptions import HTTPFound
from substanced.sdi import mgmt_view

from ... import dates
from ...familles.resources import IFamille
from ...i18n import _
from ...montants import ZERO, euros
from ...security import P, login
from .. import corrections, figement, service
from ..corrections import MODES_REMBOURSEMENT, TITRES_REMBOURSEMENT, IAnnulation, IRemboursement
from ..regies import IRegie, regies
from ..resources import TITRES_MODES, IReglement
from .compte import (
    MOTIF_MAX,
    REFERENCE_MAX,
    _chaine,
    _flash,
    _lien,
    _tr,
    _Vue,
    lire_date,
    lire_montant,
    valeurs_document,
)


def _motif(request, found, message):
    motif = _chaine(request, "motif", MOTIF_MAX)
    if not motif:
        found["motif"] = message
    elif len(motif) > MOTIF_MAX:
        found["motif"] = _(
            "Le motif ne peut dépasser ${max} caractères.", mapping={"max": MOTIF_MAX}
        )
    return motif


# --- Cancelling a payment ----------------------------------------------------------


@mgmt_view(
    context=IReglement,
    name="annuler",
    tab_condition=False,
    permission=P.FACTURATION_GERER,
    renderer="portail_famille.facturation:templates/annuler_sdi.pt",
    request_method="GET",
)
class AnnulerView(_Vue):
    """GET: what the cancellation does, and its form; "Confirmer
    l'annulation" (a POST) is its own view."""

    def __call__(self):
        return self.show()

    @mgmt_view(
        context=IReglement,
        name="annuler",
        permission=P.FACTURATION_GERER,
        renderer="portail_famille.facturation:templates/annuler_sdi.pt",
        request_method="POST",
        tab_condition=False,
    )
    def annuler(self):
        request = self.request
        reglement = self.context
        found = {}
        obstacle = corrections.obstacle(reglement)
        if obstacle is not None:
            request.response.status = 400
            return self.show()
        motif = _motif(request, found, _("Indiquez le motif de l'annulation."))
        date, erreur = lire_date(request.POST.get("date", ""))
        if erreur is not None:
            found["date"] = erreur
        elif date < reglement.date:
            found["date"] = _("L'annulation ne peut précéder le règlement.")
        if found:
            return self.show(self.erreurs(found))
        try:
            annulation = corrections.annuler_reglement(
                reglement, date, motif, par=login(request), registry=request.registry
            )
        except service.FacturationError as e:
            request.tm.doom()
            return self.show(self.erreurs({"motif": e.args[0]}))
        figement.a_figer(annulation, request)
        _flash(
            request,
            _(
                "Règlement ${reglement} annulé par ${numero} : ${montant}.",
                mapping={
                    "reglement": reglement.numero,
                    "numero": annulation.numero,
                    "montant": euros(annulation.montant),
                },
            ),
        )
        return HTTPFound(request.sdiapi.mgmt_path(reglement, "@@reglement"))

    def show(self, erreurs=None):
        request = self.request
        reglement = self.context
        post = request.POST if erreurs else {}
        obstacle = corrections.obstacle(reglement)
        effets = corrections.effets(reglement) if obstacle is None else None
        return {
            "reglement": reglement,
            "famille": reglement.famille,
            "retour": request.sdiapi.mgmt_path(reglement, "@@reglement"),
            "date_reglement": dates.courte(reglement.date),
            "mode": _tr(request, TITRES_MODES.get(reglement.mode, reglement.mode)),
            "montant": euros(reglement.montant),
            "obstacle": _tr(request, obstacle) if obstacle is not None else "",
            "factures": [
                {
                    "numero": facture.numero,
                    "url": _lien(request, facture),
                    "date": dates.courte(facture.date),
                    "montant": euros(montant),
                    "reste": euros(facture.reste + montant),
                }
                for facture, montant in (effets["factures"] if effets else ())
            ],
            "credit": euros(effets["credit"]) if effets else "",
            "a_credit": bool(effets and effets["credit"] > ZERO),
            "autre_credit": euros(effets["autre_credit"]) if effets else "",
            "a_autre_credit": bool(effets and effets["autre_credit"] > ZERO),
            "valeurs": {
                "motif": post.get("motif", ""),
                "date": post.get("date") or dates.today().isoformat(),
            },
            "erreurs": erreurs or {},
            "action": request.sdiapi.mgmt_path(reglement, "@@annuler"),
            "csrf_token": request.session.get_csrf_token(),
        }


# --- Refunding the account's credit ------------------------------------------------------


@mgmt_view(
    context=IFamille,
    name="rembourser",
    tab_condition=False,
    permission=P.FACTURATION_GERER,
    renderer="portail_famille.facturation:templates/rembourser_sdi.pt",
    request_method="GET",
)
class RembourserView(_Vue):
    """GET: the form; each button is its own view: ``verifier`` (any POST
    without another button: checked, then the confirmation), ``modifier``
    (back to the form, as typed), ``confirmer`` (the refund)."""

    def __call__(self):
        return self.show()

    @mgmt_view(
        context=IFamille,
        name="rembourser",
        permission=P.FACTURATION_GERER,
        renderer="portail_famille.facturation:templates/rembourser_sdi.pt",
        request_method="POST",
        tab_condition=False,
    )
    def verifier(self):
        saisie, found = self.lire()
        if found:
            return self.show(self.request.POST, self.erreurs(found))
        return self.show(self.request.POST, confirmation=saisie)

    @mgmt_view(
        context=IFamille,
        name="rembourser",
        permission=P.FACTURATION_GERER,
        renderer="portail_famille.facturation:templates/rembourser_sdi.pt",
        request_method="POST",
        request_param="modifier",
        tab_condition=False,
    )
    def modifier(self):
        return self.show(self.request.POST)

    @mgmt_view(
        context=IFamille,
        name="rembourser",
        permission=P.FACTURATION_GERER,
        renderer="portail_famille.facturation:templates/rembourser_sdi.pt",
        request_method="POST",
        request_param="confirmer",
        tab_condition=False,
    )
    def confirmer(self):
        saisie, found = self.lire()
        if found:
            return self.show(self.request.POST, self.erreurs(found))
        return self.rembourser(saisie)

    def lire(self):
        """(the checked values, the errors by field)."""
        request = self.request
        famille = self.context
        post = request.POST
        found = {}
        nom_regie = post.get("regie", "")
        regie = request.root["regies"].get(nom_regie) if isinstance(nom_regie, str) else None
        if regie is None or not IRegie.providedBy(regie):
            found["regie"] = _("Choisissez la régie.")
            regie = None
        mode = post.get("mode", "")
        if mode not in TITRES_REMBOURSEMENT:
            found["mode"] = _("Choisissez le mode de remboursement.")
        montant, erreur = lire_montant(self.request, post.get("montant", ""))
        if erreur is not None:
            found["montant"] = erreur
        elif regie is not None:
            disponible = service.credit_disponible(famille, regie)
            if montant > disponible:
                found["montant"] = _(
                    "Le remboursement ne peut dépasser le crédit disponible à cette régie "
                    "(${credit}).",
                    mapping={"credit": euros(disponible)},
                )
        date, erreur = lire_date(post.get("date", ""))
        if erreur is not None:
            found["date"] = erreur
        motif = _motif(request, found, _("Indiquez le motif du remboursement."))
        reference = _chaine(request, "reference", REFERENCE_MAX)
        if len(reference) > REFERENCE_MAX:
            found["reference"] = _(
                "La référence ne peut dépasser ${max} caractères.", mapping={"max": REFERENCE_MAX}
            )
        saisie = {
            "regie": regie,
            "mode": mode,
            "montant": montant,
            "date": date,
            "motif": motif,
            "reference": reference,
        }
        return saisie, found

    def rembourser(self, saisie):
        request = self.request
        famille = self.context
        try:
            remboursement = corrections.rembourser(
                famille,
                saisie["regie"],
                saisie["date"],
                saisie["montant"],
                saisie["mode"],
                saisie["motif"],
                reference=saisie["reference"],
                par=login(request),
                registry=request.registry,
            )
        except service.FacturationError as e:
            request.tm.doom()
            return self.show(request.POST, self.erreurs({"montant": e.args[0]}))
        figement.a_figer(remboursement, request)
        _flash(
            request,
            _(
                "Remboursement ${numero} enregistré : ${montant}.",
                mapping={"numero": remboursement.numero, "montant": euros(remboursement.montant)},
            ),
        )
        return HTTPFound(request.sdiapi.mgmt_path(famille, "@@compte"))

    def show(self, post=None, erreurs=None, confirmation=None):
        request = self.request
        famille = self.context
        post = post or {}
        credits = [
            (regie, service.credit_disponible(famille, regie)) for regie in regies(request.root)
        ]
        avec_credit = [(r, c) for r, c in credits if c > ZERO]
        valeur_regie = post.get("regie") or (
            avec_credit[0][0].__name__ if len(avec_credit) == 1 else ""
        )
        resume = None
        if confirmation is not None:
            regie = confirmation["regie"]
            disponible = service.credit_disponible(famille, regie)
            resume = {
                "regie": regie.title,
                "mode": _tr(request, TITRES_REMBOURSEMENT[confirmation["mode"]]),
                "montant": euros(confirmation["montant"]),
                "date": dates.courte(confirmation["date"]),
                "motif": confirmation["motif"],
                "reference": confirmation["reference"],
                "avant": euros(disponible),
                "apres": euros(disponible - confirmation["montant"]),
            }
        return {
            "famille": famille,
            "compte": request.sdiapi.mgmt_path(famille, "@@compte"),
            "credits": [{"regie": r.title, "credit": euros(c)} for r, c in credits if c > ZERO],
            "regies": [(r.__name__, r.title) for r, _c in credits],
            "modes": [(code, _tr(request, titre)) for code, titre in MODES_REMBOURSEMENT],
            "valeurs": {
                "regie": valeur_regie,
                "mode": post.get("mode", ""),
                "montant": post.get("montant", ""),
                "date": post.get("date") or dates.today().isoformat(),
                "motif": post.get("motif", ""),
                "reference": post.get("reference", ""),
            },
            "confirmation": resume,
            "erreurs": erreurs or {},
            "action": request.sdiapi.mgmt_path(famille, "@@rembourser"),
            "csrf_token": request.session.get_csrf_token(),
        }


# --- The documents -------------------------------------------------------------------


def _document(context, request):
    operation = context
    famille = operation.famille
    values = valeurs_document(request, operation)
    values["annulation"] = IAnnulation.providedBy(operation)
    if values["annulation"]:
        reglement = service.reglements(famille).get(operation.reglement)
        values["reglement_url"] = _lien(request, reglement) if reglement is not None else None
        values["factures"] = [
            {
                "numero": numero,
                "url": _lien(request, service.factures(famille).get(numero)),
                "montant": euros(montant),
            }
            for numero, montant in operation.factures
        ]
    else:
        values["mode"] = _tr(request, TITRES_REMBOURSEMENT.get(operation.mode, operation.mode))
    return values


@mgmt_view(
    context=IAnnulation,
    name="annulation",
    tab_title=_("Annulation"),
    permission=P.FACTURE_VOIR,
    renderer="portail_famille.facturation:templates/correction_sdi.pt",
)
def annulation_view(context, request):
    return _document(context, request)


@mgmt_view(
    context=IRemboursement,
    name="remboursement",
    tab_title=_("Remboursement"),
    permission=P.FACTURE_VOIR,
    renderer="portail_famille.facturation:templates/correction_sdi.pt",
)
def remboursement_view(context, request):
    return _document(context, request)
