"""The parent's online payment of an invoice: the receipt's email, the
start (redirect to the provider), the return page; and the provider's
server notification (no session: it is verified with the provider)."""

import logging
import re

from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config
from substanced.interfaces import IRoot

from ..facturation.resources import IFacture
from ..i18n import _
from ..montants import ZERO, euros
from ..security import P
from ..skin.tweens import PORTAL_CSP
from . import service
from .fournisseurs import (
    ANNULE,
    PAYE,
    REFUSE,
    FournisseurIndisponible,
    NotificationInvalide,
)
from .resources import trouver

log = logging.getLogger(__name__)

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
EMAIL_MAX = 80  # PayFiP takes 6 to 80 characters
RELEVE = "releve-de-compte"


def _parent_de(facture, request):
    """Only a parent of the invoice's family pays it (staff never do)."""
    famille = request.famille
    if famille is None or facture.famille is not famille:
        raise HTTPForbidden()
    return famille


def _erreur_email(email):
    if not email:
        return _("Saisissez l'adresse électronique qui recevra le reçu.")
    if len(email) > EMAIL_MAX or not EMAIL.fullmatch(email):
        return _("Adresse électronique invalide (par exemple jean.dupont@exemple.fr).")
    return None


def _autoriser_banque(request):
    """The form posts to us, and we redirect to the provider's page: the
    browser checks CSP's form-action against that redirect too."""
    banque = service.fournisseur(request.registry)
    origine = banque.origine if banque is not None else ""
    town = request.registry.settings.get("portail.site_commune", "")
    town = " " + "/".join(town.split("/")[:3]) if town.startswith("http") else ""
    request.response.headers["Content-Security-Policy"] = PORTAL_CSP % (
        town + (" " + origine if origine else "")
    )


def _page(context, request):
    """What "Payer en ligne" shows: the amount, the email for the receipt,
    why the invoice cannot be paid now (None when it can)."""
    famille = _parent_de(context, request)
    _autoriser_banque(request)
    email = (famille.responsable.get("email") or "").strip()
    result = {
        "facture": context,
        "montant": euros(context.reste),
        "email": email,
        "errors": {},
        "impossible": None,
    }
    try:
        service.verifier_payable(request, context)
    except service.PaiementImpossible as refus:
        result["impossible"] = refus.args[0]
    return result


@view_config(
    context=IFacture,
    name="payer",
    renderer="templates/payer.pt",
    permission=P.FACTURE_PAYER,
    request_method="GET",
)
def payer(context, request):
    return _page(context, request)


@view_config(
    context=IFacture,
    name="payer",
    renderer="templates/payer.pt",
    permission=P.FACTURE_PAYER,
    request_method="POST",
)
def commencer_paiement(context, request):
    """ "Payer" (the form's only button): off to the provider's site."""
    result = _page(context, request)
    if result["impossible"] is not None:
        request.response.status = 409
        return result
    email = request.POST.get("email", "")
    email = email.strip() if isinstance(email, str) else ""
    result["email"] = email[:254]
    erreur = _erreur_email(email)
    if erreur is not None:
        result["errors"]["email"] = erreur
        return result
    try:
        _paiement, url = service.commencer(request, context, email)
    except FournisseurIndisponible:
        request.response.status = 502
        result["errors"]["form"] = _(
            "Le service de paiement ne répond pas : réessayez dans quelques minutes."
        )
        return result
    return HTTPFound(url)


MESSAGES = {
    PAYE: _("Paiement accepté : la facture ${numero} est réglée."),
    REFUSE: _("Paiement refusé : la facture ${numero} reste à payer."),
    ANNULE: _("Paiement annulé : la facture ${numero} reste à payer."),
}
EN_CREDIT = _(
    "Paiement accepté : la facture ${numero} était déjà réglée ; ${credit} restent en "
    "crédit sur votre compte et régleront vos prochaines factures."
)


@view_config(
    context=IFacture,
    name=service.RETOUR,
    request_method=("GET", "POST"),
    renderer="templates/retour.pt",
    permission=P.FACTURE_PAYER,
    # a bank may send the browser back with a form POST from its own site;
    # what the request says is only applied once verified with the provider
    require_csrf=False,
)
def retour(context, request):
    """Where the provider sends the parent back: the result, verified with
    the provider (the notification may not have arrived yet)."""
    famille = _parent_de(context, request)
    reference = request.subpath[0] if len(request.subpath) == 1 else None
    paiement = trouver(request.root, reference)
    if paiement is None or paiement.famille != famille.numero or paiement.facture != context.numero:
        raise HTTPNotFound()
    a_verifier = False
    try:
        _recevoir(request, paiement)
    except NotificationInvalide:
        request.response.status = 400
        a_verifier = True
    except FournisseurIndisponible:
        a_verifier = True
    message = MESSAGES.get(paiement.etat)
    if paiement.etat == PAYE and paiement.credit > ZERO:
        message = EN_CREDIT
    return {
        "facture": context,
        "paiement": paiement,
        "paye": paiement.etat == PAYE,
        "montant": euros(paiement.montant),
        "message": _(
            message, mapping={"numero": paiement.facture, "credit": euros(paiement.credit)}
        )
        if message
        else None,
        "a_verifier": a_verifier,
        "releve": request.resource_path(famille, RELEVE),
        "accueil": request.resource_path(famille),
        "reessayer": request.resource_path(context, "payer") if context.reste else None,
    }


def _recevoir(request, paiement):
    """Ask the provider what became of ``paiement`` and apply it (a paid
    one is final: nothing to ask)."""
    if paiement.etat == PAYE:
        return False
    banque = service.fournisseur(request.registry)
    if banque is None or banque.nom != paiement.fournisseur:
        raise NotificationInvalide("provider changed")
    return service.conclure(request, paiement, banque.verifier(request, paiement))


@view_config(
    context=IRoot,
    name=service.NOTIFICATION,
    request_method="POST",
    permission=P.PAIEMENT_RETOUR,
    require_csrf=False,
)
def notification(context, request):
    """The provider's server says something happened to an attempt: it is
    verified (signature, or by asking the provider), then applied once."""
    reference = request.subpath[0] if len(request.subpath) == 1 else None
    paiement = trouver(request.root, reference)
    if paiement is None:
        return _texte(404, "unknown payment")
    try:
        _recevoir(request, paiement)
    except NotificationInvalide:
        log.warning("refused notification for payment %s", paiement.reference)
        return _texte(400, "refused")
    except FournisseurIndisponible:
        return _texte(503, "provider unavailable")
    return _texte(200, "OK")


def _texte(status, text):
    return Response(text, status=status, content_type="text/plain", charset="utf-8")
