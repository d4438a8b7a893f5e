"""Server-side record of the open sessions of each account.

The auth ticket cookie names a session token; the token is valid only while
it is recorded on the account.  Logging out removes it, a password change or
a disabled account removes all of them: replaying an old cookie then fails.
"""

import secrets
import time

from BTrees.OOBTree import OOBTree

_ATTR = "_portail_sessions"


def _store(user, create=False):
    store = user.__dict__.get(_ATTR)
    if store is None and create:
        store = OOBTree()
        setattr(user, _ATTR, store)
    return store


def open_session(user, max_age, now=None):
    """Record a new session on ``user`` and return its token; sessions past
    ``max_age`` are dropped on the way."""
    now = time.time() if now is None else now
    token = "S" + secrets.token_hex(16)
    store = _store(user, create=True)
    for old, opened in list(store.items()):
        if now - opened > max_age:
            del store[old]
    store[token] = now
    return token


def is_open(user, token, max_age, now=None):
    store = _store(user)
    if store is None or not token:
        return False
    opened = store.get(token)
    if opened is None:
        return False
    now = time.time() if now is None else now
    return now - opened <= max_age


def opened(user, token):
    """When the session ``token`` of ``user`` opened (None if it is not open)."""
    store = _store(user)
    if store is None or not token:
        return None
    return store.get(token)


def close_session(user, token):
    store = _store(user)
    if store is not None and token in store:
        del store[token]


def close_all(user, keep=None):
    """End every session of ``user`` but ``keep``."""
    store = _store(user)
    if store is None:
        return
    for token in list(store.keys()):
        if token != keep:
            del store[token]
