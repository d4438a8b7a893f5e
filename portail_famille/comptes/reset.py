"""Single-use, expiring password reset links.

The link carries 256 random bits; only their SHA-256 is stored.  A link
works once, for ``LIFETIME`` seconds (setting ``portail.reset_lifetime``),
and only while the account's password
is the one it had when the link was made.
"""

import hashlib
import secrets
import time

from BTrees.OOBTree import OOBTree

from ..util import root_attribute

LIFETIME = 3600
_ATTR = "_portail_resets"


def digest(token):
    """What is stored of a link's token (never the token itself)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def empreinte(user):
    """The account's password, fingerprinted: a link made before the
    password changed no longer matches."""
    password = user.password or b""
    if isinstance(password, str):
        password = password.encode("utf-8")
    return hashlib.sha256(password).hexdigest()


def _store(root):
    return root_attribute(root, _ATTR, OOBTree)


def create(root, user, userid, now=None, lifetime=LIFETIME):
    """Record a reset for ``user`` and return the token for its link."""
    now = time.time() if now is None else now
    store = _store(root)
    for key, (_uid, expires, _fp) in list(store.items()):
        if expires < now:
            del store[key]
    token = secrets.token_urlsafe(32)
    store[digest(token)] = (userid, now + lifetime, empreinte(user))
    return token


def find(root, token, locate, now=None):
    """The user the link ``token`` is for, or None if it is not valid."""
    if not token or len(token) > 100:
        return None
    now = time.time() if now is None else now
    entry = _store(root).get(digest(token))
    if entry is None:
        return None
    userid, expires, fingerprint = entry
    user = locate(userid)
    if user is None or expires < now or fingerprint != empreinte(user):
        return None
    return user


def consume(root, token):
    store = _store(root)
    key = digest(token)
    if key in store:
        del store[key]
