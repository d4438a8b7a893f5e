"""The parent's side of an activation link (``/activer?jeton=…``): she
chooses her own password (the policy of ``passwords``) and is logged in.
A link that no longer works says why, in French, and offers to send a new
one to the account's address (counted as the forgotten password's mails
are: ``tentatives``)."""

from pyramid.httpexceptions import HTTPFound
from pyramid.security import forget, remember
from pyramid.view import view_config
from substanced.interfaces import IRoot
from substanced.util import get_oid

from .. import courriels
from ..familles.resources import famille_of
from ..i18n import _
from ..security import P
from . import activation, appareil, avis, passwords, sessions, throttle
from .auth import is_active, user_locator
from .lettre import lien
from .tentatives import Tentative, refuse
from .views import _check_new, _field, home_url

RAISONS = {
    activation.UTILISE: _(
        "Ce lien a déjà servi : le mot de passe de ce compte a été choisi depuis qu'il a été fait."
    ),
    activation.EXPIRE: _("Ce lien a expiré : sa date de validité est passée."),
    activation.REMPLACE: _("Ce lien a été remplacé par un lien plus récent."),
    activation.INCONNU: _("Ce lien n'est pas valable : vérifiez l'adresse saisie."),
}


def envoyer_lien(request, user):
    """Make a new activation link for ``user`` and mail it to its address
    (queued in the transaction); after the activation, the same link
    serves to choose a new password."""
    duree = activation.lifetime(request.registry.settings)
    token = activation.create(request.root, user, get_oid(user), lifetime=duree)
    url = lien(request, token)
    jours = duree // 86400
    # An account already activated gets the same link, for a new password.
    modele = "activation" if activation.en_attente(user) else "nouveau_lien"
    courriels.send(request, modele, [user.email], login=user.__name__, url=url, jours=jours)


def _page(context, request):
    token = request.params.get("jeton", "")
    token = token if isinstance(token, str) else ""
    etat, user = activation.find(context, token, user_locator(request).get_user_by_userid)
    if user is not None and not is_active(user):
        etat, user = activation.INCONNU, None
    result = {
        "valid": etat == activation.VALIDE,
        "premiere": user is None or activation.en_attente(user),
        "raison": RAISONS.get(etat),
        "token": token,
        "login": user.__name__ if user is not None else "",
        "renvoi": user is not None and bool(user.email) and etat != activation.VALIDE,
        "sent": False,
        "errors": {},
        "rules": passwords.rules(request.registry.settings),
    }
    return user, result


@view_config(
    context=IRoot,
    name="activer",
    renderer="templates/activer.pt",
    permission=P.PORTAIL_PUBLIC,
    request_method="GET",
)
def activer_page(context, request):
    return _page(context, request)[1]


@view_config(
    context=IRoot,
    name="activer",
    renderer="templates/activer.pt",
    permission=P.PORTAIL_PUBLIC,
    request_method="POST",
    request_param="nouveau",
)
def nouveau_lien(context, request):
    """A new link to the account's address, for a link that no longer works."""
    user, result = _page(context, request)
    if not result["renvoi"]:
        return result
    attempt = Tentative(request, user.__name__)
    wait = attempt.mail_wait()
    if wait:
        refuse(request, wait, result["errors"], _("Trop de demandes"))
        return result
    attempt.count_mail()
    envoyer_lien(request, user)
    result["sent"] = True
    return result


@view_config(
    context=IRoot,
    name="activer",
    renderer="templates/activer.pt",
    permission=P.PORTAIL_PUBLIC,
    request_method="POST",
)
def activer(context, request):
    """The password chosen: the account is activated, the link used, and
    the parent logged in."""
    user, result = _page(context, request)
    if not result["valid"]:
        return result
    new = _field(request, "new")
    _check_new(request, user, new, _field(request, "confirm"), result["errors"])
    if result["errors"]:
        return result
    user.set_password(new)
    user.must_change_password = False
    activation.consume(context, result["token"])
    sessions.close_all(user)
    rules = throttle.rules(request.registry.settings)
    throttle.throttle(context).forget(rules.compte, throttle.normal(user.__name__))
    if request.authenticated_userid is not None:
        forget(request)  # the session this browser had ends on the server
    request.session.invalidate()
    headers = remember(request, get_oid(user)) + appareil.issue(request, user.__name__)
    if result["premiere"]:
        message = _("Votre compte est activé : bienvenue sur le Portail Famille.")
        famille = famille_of(user)
        if famille is not None:
            avis.compte_active(request, famille, user)
    else:
        message = _("Votre mot de passe a été modifié.")
        avis.mot_de_passe_modifie(request, user, avis.LIEN_ACTIVATION)
    request.session.flash(request.localizer.translate(message), "portail")
    return HTTPFound(home_url(request, user), headers=headers)
