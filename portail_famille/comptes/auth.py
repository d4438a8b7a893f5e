"""Authentication: an auth ticket cookie bound to a server-side session.

The cookie (HttpOnly, SameSite=Lax, Secure in production) carries the user's
oid and a session token; the token must still be open on the account
(``sessions``), younger than the absolute limit, and the cookie younger than
the idle limit (the ticket is reissued while the person is active).
"""

from pyramid.authentication import AuthTktAuthenticationPolicy
from pyramid.settings import asbool
from substanced.interfaces import IUserLocator
from substanced.principal import DefaultUserLocator

from . import sessions

ABSOLUTE_DEFAULT = 12 * 3600
IDLE_DEFAULT = 30 * 60


def user_locator(request):
    context = getattr(request, "context", None)
    if context is None:
        context = request.root
    adapter = request.registry.queryMultiAdapter((context, request), IUserLocator)
    if adapter is None:
        adapter = DefaultUserLocator(context, request)
    return adapter


def is_active(user):
    return not getattr(user, "disabled", False)


class PortailAuthenticationPolicy(AuthTktAuthenticationPolicy):
    def __init__(self, secret, absolute=ABSOLUTE_DEFAULT, **kw):
        super().__init__(secret, callback=self._groupfinder, **kw)
        self.absolute = absolute

    def _session_token(self, request):
        identity = self.cookie.identify(request)
        if not identity:
            return None
        tokens = identity.get("tokens") or ()
        return tokens[0] if tokens else None

    def _groupfinder(self, userid, request):
        cached = request.__dict__.get("_portail_groups")
        if cached is not None and cached[0] == userid:
            return cached[1]
        user = user_locator(request).get_user_by_userid(userid)
        groups = None
        if (
            user is not None
            and getattr(user, "password", None) is not None
            and is_active(user)
            and sessions.is_open(user, self._session_token(request), self.absolute)
        ):
            groups = list(user.groupids)
        request.__dict__["_portail_groups"] = (userid, groups)
        return groups

    def remember(self, request, userid, **kw):
        """Open a server-side session for ``userid`` and return its cookie."""
        user = user_locator(request).get_user_by_userid(userid)
        token = sessions.open_session(user, self.absolute)
        request.__dict__.pop("_portail_groups", None)
        return super().remember(request, userid, tokens=(token,), **kw)

    def forget(self, request):
        """End the current session on the server, then drop the cookie."""
        identity = self.cookie.identify(request)
        if identity:
            user = user_locator(request).get_user_by_userid(identity["userid"])
            if user is not None:
                sessions.close_session(user, self._session_token(request))
        request.__dict__.pop("_portail_groups", None)
        return super().forget(request)

    def current_token(self, request):
        return self._session_token(request)


def make_policy(settings):
    secure = asbool(settings.get("portail.cookie_secure", False))
    return PortailAuthenticationPolicy(
        settings["substanced.secret"],
        absolute=int(settings.get("portail.session_absolute", ABSOLUTE_DEFAULT)),
        timeout=int(settings.get("portail.session_idle", IDLE_DEFAULT)),
        reissue_time=int(settings.get("portail.session_reissue", 120)),
        cookie_name="pf_auth",
        http_only=True,
        secure=secure,
        samesite="Lax",
        hashalg="sha512",
        wild_domain=False,
    )
