"""Accounts: authentication, sessions, passwords, throttling, resets."""

from pyramid.interfaces import IAuthenticationPolicy
from pyramid.session import JSONSerializer, SignedCookieSessionFactory
from pyramid.settings import asbool

from .auth import IDLE_DEFAULT, PortailUserLocator, make_policy


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
    config.set_authentication_policy(make_policy(settings))
    config.set_session_factory(
        SignedCookieSessionFactory(
            settings["substanced.secret"],
            cookie_name="pf_session",
            httponly=True,
            secure=secure,
            samesite="Lax",
            timeout=int(settings.get("portail.session_idle", IDLE_DEFAULT)),
            reissue_time=60,
            hashalg="sha512",
            serializer=JSONSerializer(),
        )
    )
    config.set_default_csrf_options(require_csrf=True)
    config.add_request_method(current_user, "user", reify=True)


def current_user(request):
    """The logged-in account (replaces SubstanceD's ``request.user``, which
    looks the account up again)."""
    policy = request.registry.getUtility(IAuthenticationPolicy)
    return policy.account(request)


def includeme(config):
    config.add_request_method(authenticated_token, "authenticated_token", reify=True)
    # SubstanceD's screens find accounts by oid through ours too.
    config.set_user_locator(PortailUserLocator)
