"""Authentication: an auth ticket cookie bound to a server-side session.

The cookie (HttpOnly, SameSite=Lax, Secure in production) carries the user's
oid and a session token; the token must still be open on the account
(``sessions``), younger than the absolute limit, and the cookie younger than
the idle limit (the ticket is reissued while the person is active).
"""

import functools
import time

from pyramid.authentication import AuthTktAuthenticationPolicy, parse_ticket
from pyramid.settings import asbool
from substanced.interfaces import IUserLocator
from substanced.principal import DefaultUserLocator

from ..util import objet
from . import sessions

ABSOLUTE_DEFAULT = 12 * 3600
IDLE_DEFAULT = 30 * 60
# The request's answers, kept in its own __dict__ (see the policy).
_USERID = "_portail_userid"
_GROUPS = "_portail_groups"


class PortailUserLocator(DefaultUserLocator):
    """SubstanceD's user locator, finding an account by oid through the
    objectmap's path directly (``util.objet``)."""

    def get_user_by_userid(self, userid):
        return objet(self.context, userid)


def user_locator(request):
    context = getattr(request, "context", None)
    if context is None:
        context = request.root
    adapter = request.registry.queryMultiAdapter((context, request), IUserLocator)
    if adapter is None:
        adapter = PortailUserLocator(context, request)
    return adapter


def is_active(user):
    return not getattr(user, "disabled", False)


@functools.lru_cache(maxsize=4096)
def _ticket_verifie(secret, ticket, ip, hashalg):
    # A pure function of its arguments: a ticket whose signature checked
    # once checks again.  A bad ticket raises, and is not remembered.
    timestamp, userid, tokens, user_data = parse_ticket(secret, ticket, ip, hashalg)
    return timestamp, userid, tuple(tokens), user_data


def parse_ticket_memorise(secret, ticket, ip, hashalg="md5"):
    """Pyramid's ``parse_ticket`` (signature check and decoding of the auth
    cookie), remembered for the last 4096 tickets: the same cookie comes
    back on every request of a session.  The ticket's age is still checked
    on each request by the cookie helper."""
    timestamp, userid, tokens, user_data = _ticket_verifie(secret, ticket, ip, hashalg)
    return timestamp, userid, list(tokens), user_data


class PortailAuthenticationPolicy(AuthTktAuthenticationPolicy):
    def __init__(self, secret, absolute=ABSOLUTE_DEFAULT, **kw):
        super().__init__(secret, callback=self._groupfinder, **kw)
        self.absolute = absolute
        self.cookie.parse_ticket = parse_ticket_memorise

    # Pyramid 1.10 asks the policy again at each use of
    # request.authenticated_userid / effective_principals (about six times a
    # page): the cookie is checked, the account read and the groupfinder's
    # answer made once per request, then remembered on that request only
    # (its ``__dict__``: another request, even of the same person, asks
    # again; remember and forget drop them).

    def authenticated_userid(self, request):
        cache = request.__dict__
        if _USERID not in cache:
            cache[_USERID] = super().authenticated_userid(request)
        return cache[_USERID]

    def _identity(self, request):
        cache = request.__dict__
        if "_portail_identity" not in cache:
            cache["_portail_identity"] = self.cookie.identify(request)
        return cache["_portail_identity"]

    def unauthenticated_userid(self, request):
        identity = self._identity(request)
        return identity["userid"] if identity else None

    def _session_token(self, request):
        identity = self._identity(request)
        if not identity:
            return None
        tokens = identity.get("tokens") or ()
        return tokens[0] if tokens else None

    def _groupfinder(self, userid, request):
        # Extra principals of a domain, on the requests where they matter
        # (documents: the family's enrolments, which a Document's ACL names);
        # whether they do is read from traversal's results, so the answer
        # is remembered for the userid and the sources that apply.
        sources = tuple(
            source
            for source in getattr(request.registry, "portail_principaux", ())
            if source.concerne(request)
        )
        cached = request.__dict__.get(_GROUPS)
        if cached is not None and cached[0] == userid and cached[1] == sources:
            return cached[2]
        groups = self._groups(userid, request)
        if groups is not None:
            for source in sources:
                user = request.__dict__["_portail_account"][1]
                groups = groups + source.principaux(request, user)
        request.__dict__[_GROUPS] = (userid, sources, groups)
        return groups

    def _groups(self, userid, request):
        cached = request.__dict__.get("_portail_account")
        if cached is not None and cached[0] == userid:
            return cached[2]
        user = user_locator(request).get_user_by_userid(userid)
        groups = None
        if (
            user is not None
            and getattr(user, "password", None) is not None
            and is_active(user)
            and sessions.is_open(user, self._session_token(request), self.absolute)
        ):
            groups = list(user.groupids)
        else:
            user = None
        request.__dict__["_portail_account"] = (userid, user, groups)
        return groups

    def account(self, request):
        """The logged-in User, or None (checked as the groupfinder does)."""
        userid = self.authenticated_userid(request)
        if userid is None:
            return None
        return request.__dict__["_portail_account"][1]

    def _reset_cache(self, request):
        for key in ("_portail_account", "_portail_identity", _USERID, _GROUPS):
            request.__dict__.pop(key, None)

    def remember(self, request, userid, **kw):
        """Open a server-side session for ``userid`` and return its cookie."""
        user = user_locator(request).get_user_by_userid(userid)
        token = sessions.open_session(user, self.absolute)
        self._reset_cache(request)
        headers = super().remember(request, userid, tokens=(token,), **kw)
        # Pyramid also sets a copy with Domain=<host>, which subdomains would
        # receive: keep the host-only cookie.
        return [h for h in headers if "Domain=" not in h[1]]

    def forget(self, request):
        """End the current session on the server, then drop the cookie."""
        identity = self.cookie.identify(request)
        if identity:
            user = user_locator(request).get_user_by_userid(identity["userid"])
            if user is not None:
                sessions.close_session(user, self._session_token(request))
        self._reset_cache(request)
        return super().forget(request)

    def current_token(self, request):
        return self._session_token(request)

    def remaining(self, request):
        """Seconds before the current session ends, by the idle or the
        absolute limit, whichever comes first (None when nobody is logged
        in).  A ticket reissued by this request starts a new idle period."""
        user = self.account(request)
        if user is None:
            return None
        now = time.time()
        idle_left = self.cookie.timeout
        if not getattr(request, "_authtkt_reissued", False):
            idle_left -= now - self._identity(request)["timestamp"]
        opened = sessions.opened(user, self._session_token(request)) or now
        absolute_left = opened + self.absolute - now
        return max(0, int(min(idle_left, absolute_left)))


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
