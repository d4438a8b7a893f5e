"""The simulated bank's page (``/banque-simulee/<ordre>``): registered only
when ``portail.paiement = simule`` (a 404 otherwise)."""

from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPFound, HTTPNotFound

from ..montants import euros
from . import service
from .fournisseurs import ANNULE, PAYE, REFUSE, NotificationInvalide
from .resources import trouver
from .simule import PAGE

CHOIX = {"payer": PAYE, "refuser": REFUSE, "annuler": ANNULE}


def _ordre(request):
    banque = service.fournisseur(request.registry)
    token = request.subpath[0] if len(request.subpath) == 1 else ""
    ordre = banque.lire_ordre(token) if token else None
    if ordre is None:
        raise HTTPNotFound()
    return banque, ordre


def page(context, request):
    _banque, ordre = _ordre(request)
    return {
        "montant": euros(ordre["montant"]),
        "reference": ordre["reference"],
        "objet": ordre["objet"],
        "email": ordre["email"],
    }


def choisir(context, request):
    """Payer, Refuser or Annuler: the bank notifies the portal (server side,
    a signed message), then sends the browser back with the same message."""
    banque, ordre = _ordre(request)
    etat = CHOIX.get(request.POST.get("choix"))
    if etat is None:
        raise HTTPNotFound()
    message = banque.signer(ordre["reference"], ordre["montant"], etat)
    paiement = trouver(request.root, ordre["reference"])
    if paiement is not None and paiement.fournisseur == banque.nom:
        try:
            service.conclure(request, paiement, banque.lire_message(message))
        except NotificationInvalide:  # pragma: no cover - our own signature
            raise HTTPNotFound() from None
    separateur = "&" if "?" in ordre["retour"] else "?"
    return HTTPFound(ordre["retour"] + separateur + urlencode({"message": message}))


def includeme(config):
    from ..security import P

    config.add_view(
        page,
        context="substanced.interfaces.IRoot",
        name=PAGE,
        request_method="GET",
        renderer="portail_famille.paiement:templates/banque.pt",
        permission=P.PAIEMENT_RETOUR,
    )
    config.add_view(
        choisir,
        context="substanced.interfaces.IRoot",
        name=PAGE,
        request_method="POST",
        permission=P.PAIEMENT_RETOUR,
    )
