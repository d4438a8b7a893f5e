"""Accounts: authentication, sessions, passwords, throttling, resets."""

from pyramid.interfaces import IAuthenticationPolicy
from pyramid.settings import asbool

from .. import journal, mots_de_passe
from .auth import IDLE_DEFAULT, PortailUserLocator, make_policy
from .avis import ACTIONS
from .flashes import session_bornee
from .signature import session_factory

WARNING_DEFAULT = 3 * 60


def authenticated_token(request):
    """The server-side session token of the current request (or None)."""
    policy = request.registry.getUtility(IAuthenticationPolicy)
    return policy.current_token(request)


def configure_security(config):
    """Our authentication policy, session factory and CSRF rule.  Called
    (not included) from the package's includeme, so these actions override
    SubstanceD's: Pyramid lets the including configuration win."""
    settings = config.registry.settings
    secure = asbool(settings.get("portail.cookie_secure", False))
    idle = int(settings.get("portail.session_idle", IDLE_DEFAULT))
    config.set_authentication_policy(make_policy(settings))
    config.set_session_factory(
        session_bornee(
            session_factory(
                settings["substanced.secret"],
                cookie_name="pf_session",
                httponly=True,
                secure=secure,
                samesite="Lax",
                timeout=idle,
                # Renewed while the person is active (a short idle limit, as in
                # some tests, renews it on every request).
                reissue_time=min(60, idle // 10),
                hashalg="sha512",
            )
        )
    )
    config.set_default_csrf_options(require_csrf=True)
    config.add_request_method(current_user, "user", reify=True)


def session_remaining(request):
    """Seconds before the current session ends (None: nobody logged in)."""
    policy = request.registry.getUtility(IAuthenticationPolicy)
    return policy.remaining(request)


def session_warning(request):
    """Seconds before the end of the session at which the page warns and
    offers to stay logged in (setting ``portail.session_warning``)."""
    return int(request.registry.settings.get("portail.session_warning", WARNING_DEFAULT))


def current_user(request):
    """The logged-in account (replaces SubstanceD's ``request.user``, which
    looks the account up again)."""
    policy = request.registry.getUtility(IAuthenticationPolicy)
    return policy.account(request)


def add_extra_principals(config, source):
    """A domain's extra principals: ``source`` (a module, say) answers
    ``concerne(request)`` (is this request one where they matter?) and
    ``principaux(request, user)`` (the principals added to the logged-in
    account's groups there).  Called from the domain's includeme."""
    config.registry.portail_principaux.append(source)


def gestion_url(request):
    """The first place of the management interface the logged-in account
    may see (None: a parent, or nobody): the header's link."""
    from .views import management_url

    user = request.user
    return management_url(request, user) if user is not None else None


def includeme(config):
    # The process's password hashes, at the parameters of the settings.
    mots_de_passe.configurer(config.registry.settings)
    # What the family's accounts journal (``avis``: an account added, an invitation).
    journal.nommer_actions(config, ACTIONS)
    config.add_request_method(gestion_url, "gestion_url", reify=True)
    config.registry.portail_principaux = []
    config.add_directive("add_extra_principals", add_extra_principals)
    config.add_request_method(authenticated_token, "authenticated_token", reify=True)
    config.add_request_method(session_remaining, "session_remaining", property=True)
    config.add_request_method(session_warning, "session_warning", reify=True)
    # SubstanceD's screens find accounts by oid through ours too.
    config.set_user_locator(PortailUserLocator)
