"""Login, logout, first-login and padlock password change, forgotten password."""

from pyramid.httpexceptions import HTTPFound
from pyramid.security import forget, remember
from pyramid.view import view_config
from substanced.interfaces import IRoot
from substanced.util import find_service, get_oid

from .. import courriels, mots_de_passe
from ..actualites.views import a_la_une
from ..adresses import url_absolue
from ..familles.resources import famille_of
from ..i18n import _
from ..security import P, may
from . import appareil, avis, passwords, reset, sessions, throttle
from .auth import is_active, user_locator
from .tentatives import Tentative, refuse

# Longest value read from a login-like form; longer is refused unread.
MAX_FIELD = 1024


def safe_came_from(value, default):
    """Only a path of this site: never another host, never a header break."""
    if (
        not value
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or not all("!" <= c <= "~" for c in value)  # printable ASCII only
        or len(value) > 2000
    ):
        return default
    return value


def home_url(request, user):
    """Parents: their family's home page; staff: their place in the
    management interface."""
    famille = famille_of(user)
    if famille is not None:
        return request.resource_path(famille)
    return management_url(request, user) or request.resource_path(request.root, "mot-de-passe")


def management_url(request, user):
    """The staff's dashboard of the day (``accueil.tableau``), else the
    first place of the management interface ``user`` may see."""
    root = request.root
    if may(request, user, P.TABLEAU_VOIR, root):
        return request.sdiapi.mgmt_path(root, "@@tableau")
    for place in (root, root.get("documents"), root.get("actualites")):
        if place is not None and may(request, user, P.SDI_VIEW, place):
            return request.sdiapi.mgmt_path(place)
    return None


def _field(request, name):
    value = request.POST.get(name, "")
    return value if isinstance(value, str) else ""


@view_config(context=IRoot, renderer="templates/login.pt", permission=P.PORTAIL_PUBLIC)
@view_config(
    context=IRoot,
    name="connexion",
    request_method="GET",
    renderer="templates/login.pt",
    permission=P.PORTAIL_PUBLIC,
)
def login_page(context, request):
    user = request.user
    if user is not None:
        return HTTPFound(home_url(request, user))
    return {
        "login": "",
        "errors": {},
        "came_from": safe_came_from(request.GET.get("came_from"), ""),
        **a_la_une(request),
    }


@view_config(
    context=IRoot,
    name="connexion",
    request_method="POST",
    renderer="templates/login.pt",
    permission=P.PORTAIL_PUBLIC,
)
def login(context, request):
    login = _field(request, "login").strip()
    password = _field(request, "password")
    came_from = safe_came_from(_field(request, "came_from"), "")
    errors = {}
    if not login:
        errors["login"] = _("Saisissez votre identifiant.")
    if not password:
        errors["password"] = _("Saisissez votre mot de passe.")
    result = {
        "login": login[:200],
        "errors": errors,
        "came_from": came_from,
        **a_la_une(request),
    }
    if errors:
        return result
    attempt = Tentative(request, login)
    wait = attempt.wait()
    if wait:
        refuse(request, wait, errors, _("Trop de tentatives de connexion"))
        return result
    attempt.count()
    user = None
    if len(login) <= MAX_FIELD and len(password) <= MAX_FIELD:
        user = user_locator(request).get_user_by_login(login)
    if user is None or not user.password:
        # An unknown login costs what a known one does: an Argon2id check.
        ok = mots_de_passe.verifier_fictif(password[:MAX_FIELD])
    else:
        ok = user.check_password(password) and is_active(user)
    if not ok:
        errors["form"] = _("Identifiant ou mot de passe incorrect.")
        return result
    attempt.succeed()
    # A bcrypt hash (or one of older parameters) becomes Argon2id, in this
    # login's transaction.
    mots_de_passe.renouveler(user, password)
    if request.authenticated_userid is not None:
        forget(request)  # the session this browser had ends on the server
    request.session.invalidate()
    headers = remember(request, get_oid(user)) + appareil.issue(request, user.__name__)
    if getattr(user, "must_change_password", False):
        location = request.resource_path(context, "mot-de-passe")
    else:
        location = came_from or home_url(request, user)
    return HTTPFound(location, headers=headers)


@view_config(
    context=IRoot,
    name="deconnexion",
    request_method="POST",
    permission=P.PORTAIL_PUBLIC,
)
def logout(context, request):
    user = request.user
    if user is not None:
        # Every session of the account ends (another browser's copy too).
        sessions.close_all(user)
    headers = forget(request)
    request.session.invalidate()
    target = request.registry.settings.get("portail.site_commune", "/")
    return HTTPFound(target, headers=headers)


@view_config(
    context=IRoot,
    name="deconnexion",
    request_method="GET",
    renderer="templates/logout.pt",
    permission=P.PORTAIL_PUBLIC,
)
def logout_page(context, request):
    if request.authenticated_userid is None:
        return HTTPFound(request.resource_path(context))
    return {}


@view_config(
    context=IRoot,
    name="prolonger-session",
    request_method="GET",
    renderer="json",
    permission=P.PORTAIL_PUBLIC,
)
def extend_session(context, request):
    """ "Rester connecté": the request itself renews the session cookies (the
    auth ticket and the session are reissued; nothing is written in the
    database); answers how long the session now lasts."""
    remaining = request.session_remaining
    if remaining is None:
        return {"connecte": False}
    request.session.get_csrf_token()  # an access renews the session cookie
    return {"connecte": True, "reste": remaining}


@view_config(
    context=IRoot,
    name="mot-de-passe",
    renderer="templates/password.pt",
    permission=P.COMPTE_MOT_DE_PASSE_MODIFIER,
    request_method="GET",
)
def change_password(context, request):
    """The form (the first login's too)."""
    return {
        "errors": {},
        "first": getattr(request.user, "must_change_password", False),
        "rules": passwords.rules(request.registry.settings),
    }


@view_config(
    context=IRoot,
    name="mot-de-passe",
    renderer="templates/password.pt",
    permission=P.COMPTE_MOT_DE_PASSE_MODIFIER,
    request_method="POST",
)
def save_password(context, request):
    user = request.user
    result = change_password(context, request)
    errors = result["errors"]
    current = _field(request, "current")
    new = _field(request, "new")
    confirm = _field(request, "confirm")
    attempt = Tentative(request, user.__name__)
    wait = attempt.wait()
    if wait:
        refuse(request, wait, errors, _("Trop de tentatives"))
        return result
    if not current:
        errors["current"] = _("Saisissez votre mot de passe actuel.")
    else:
        attempt.count()
        if len(current) > MAX_FIELD or not user.check_password(current):
            errors["current"] = _("Mot de passe actuel incorrect.")
        else:
            attempt.succeed()
    _check_new(request, user, new, confirm, errors)
    if errors:
        return result
    user.set_password(new)
    user.must_change_password = False
    sessions.close_all(user, keep=request.authenticated_token)
    avis.mot_de_passe_modifie(request, user, avis.CADENAS)
    request.session.flash(
        request.localizer.translate(_("Votre mot de passe a été modifié.")), "portail"
    )
    return HTTPFound(home_url(request, user))


def _check_new(request, user, new, confirm, errors):
    if not new:
        errors["new"] = _("Saisissez le nouveau mot de passe.")
        return
    found = passwords.check(request.registry.settings, new, user.__name__)
    if found:
        errors["new"] = found
    elif new != confirm:
        errors["confirm"] = _("Les deux mots de passe ne sont pas identiques.")
    elif user.password and user.check_password(new):
        errors["new"] = _("Choisissez un mot de passe différent de l'actuel.")


@view_config(
    context=IRoot,
    name="mot-de-passe-oublie",
    renderer="templates/forgot.pt",
    permission=P.PORTAIL_PUBLIC,
    request_method="GET",
)
def forgot_password(context, request):
    return {"errors": {}, "sent": False, "login": ""}


@view_config(
    context=IRoot,
    name="mot-de-passe-oublie",
    renderer="templates/forgot.pt",
    permission=P.PORTAIL_PUBLIC,
    request_method="POST",
)
def send_reset_link(context, request):
    result = forgot_password(context, request)
    login = _field(request, "login").strip()
    result["login"] = login[:200]
    if not login:
        result["errors"]["login"] = _("Saisissez votre identifiant.")
        return result
    # Mails per account and per address, or per device cookie: many
    # addresses cannot flood one mailbox, nor stop its owner's browser.
    attempt = Tentative(request, login)
    wait = attempt.mail_wait()
    if wait:
        refuse(request, wait, result["errors"], _("Trop de demandes"))
        return result
    attempt.count_mail()
    user = None
    if len(login) <= MAX_FIELD:
        user = find_service(context, "principals", "users").get(login)
    if user is not None and user.email and is_active(user):
        lifetime = int(request.registry.settings.get("portail.reset_lifetime", reset.LIFETIME))
        token = reset.create(context, user, get_oid(user), lifetime=lifetime)
        url = url_absolue(request, context, "reinitialiser", query={"jeton": token})
        courriels.send(request, "reinitialisation", [user.email], login=login, url=url)
    # The same answer whether the identifier exists or not.
    result["sent"] = True
    return result


@view_config(
    context=IRoot,
    name="reinitialiser",
    renderer="templates/reset.pt",
    permission=P.PORTAIL_PUBLIC,
    request_method="GET",
)
def reset_password(context, request):
    """The new password's form, if the link (its ``jeton``) is valid."""
    return _lien(context, request)[1]


def _lien(context, request):
    """(the account of the reset link, or None; the page's values)."""
    token = request.params.get("jeton", "")
    locate = user_locator(request).get_user_by_userid
    user = reset.find(context, token, locate)
    result = {
        "valid": user is not None,
        "token": token,
        "errors": {},
        "rules": passwords.rules(request.registry.settings),
    }
    return user, result


@view_config(
    context=IRoot,
    name="reinitialiser",
    renderer="templates/reset.pt",
    permission=P.PORTAIL_PUBLIC,
    request_method="POST",
)
def save_new_password(context, request):
    user, result = _lien(context, request)
    if user is None:
        return result
    token = result["token"]
    new = _field(request, "new")
    confirm = _field(request, "confirm")
    _check_new(request, user, new, confirm, result["errors"])
    if result["errors"]:
        return result
    user.set_password(new)
    user.must_change_password = False
    reset.consume(context, token)
    sessions.close_all(user)
    avis.mot_de_passe_modifie(request, user, avis.LIEN_REINITIALISATION)
    # The link came to the account's mailbox: the failures of other
    # browsers are forgotten, and this one is the owner's.
    rules = throttle.rules(request.registry.settings)
    throttle.throttle(context).forget(rules.compte, throttle.normal(user.__name__))
    message = _("Votre mot de passe a été modifié : vous pouvez vous connecter.")
    request.session.flash(request.localizer.translate(message), "portail")
    return HTTPFound(request.resource_path(context), headers=appareil.issue(request, user.__name__))
