"""Device cookies: the browsers in which an account logged in before.

Issued at each successful login (and after a password reset by mail), the
cookie ``pf_appareil`` names the logins that succeeded in this browser,
each with a random nonce and the time it was issued, signed with the
site's secret (a forged or altered cookie is ignored).  The throttle counts
an attempt bearing one only against that nonce (``throttle``).  It grants
nothing by itself: the password is still checked.  A shared computer keeps
the last ``ENTRIES`` accounts; each entry lives ``portail.appareil_duree``
seconds (a year) from its last login.
"""

import json
import secrets
import time

from pyramid.settings import asbool
from webob.cookies import SignedCookieProfile

from .throttle import DAY, normal

COOKIE = "pf_appareil"
ENTRIES = 5
LIFETIME = 365 * DAY


class _Json:
    @staticmethod
    def dumps(value):
        return json.dumps(value, separators=(",", ":")).encode("utf-8")

    @staticmethod
    def loads(data):
        return json.loads(data.decode("utf-8"))


def lifetime(settings):
    return int(settings.get("portail.appareil_duree", LIFETIME))


def _profile(request):
    settings = request.registry.settings
    return SignedCookieProfile(
        settings["substanced.secret"],
        "portail-famille.appareil",
        COOKIE,
        secure=asbool(settings.get("portail.cookie_secure", False)),
        max_age=lifetime(settings),
        httponly=True,
        samesite=b"lax",
        hashalg="sha512",
        serializer=_Json(),
    ).bind(request)


def _entries(request, now):
    """The valid (login, nonce, issued) entries of the request's cookie."""
    if COOKIE not in request.cookies:
        return []
    try:
        value = _profile(request).get_value()
    except (ValueError, TypeError):
        return []
    if not isinstance(value, list):
        return []
    oldest = now - lifetime(request.registry.settings)
    return [
        (entry[0], entry[1], entry[2])
        for entry in value[:ENTRIES]
        if isinstance(entry, list)
        and len(entry) == 3
        and isinstance(entry[0], str)
        and isinstance(entry[1], str)
        and isinstance(entry[2], int | float)
        and entry[2] > oldest
    ]


def nonce(request, login, now=None):
    """The nonce of this browser's device cookie for ``login`` (None: the
    browser is not known to the account)."""
    now = time.time() if now is None else now
    login = normal(login)
    for found, value, _issued in _entries(request, now):
        if found == login:
            return value
    return None


def issue(request, login, now=None):
    """The Set-Cookie headers of a new device cookie for ``login`` (a new
    nonce), keeping the other accounts of the browser."""
    now = time.time() if now is None else now
    login = normal(login)
    others = [list(e) for e in _entries(request, now) if e[0] != login]
    value = [[login, secrets.token_urlsafe(16), int(now)]] + others[: ENTRIES - 1]
    return _profile(request).get_headers(value)
