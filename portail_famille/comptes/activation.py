"""Activation links: how a parent's account made by staff gets its first
password (and how an agent sends a new one on request), without any
password typed or seen by staff.

The account is made without a password (nobody can log in to it); its
activation link, sent by mail or printed on a letter, carries 256 random
bits of which only the SHA-256 is stored, with the account, the expiry
(``LIFETIME``, 14 days; setting ``portail.activation_lifetime``) and what
became of it.  A link works once, and only while the account's password
is the one it had when the link was made; a new link for an account
replaces the previous ones (a lost letter dies when another is printed).

A link that no longer works is kept until ``GARDE`` after its expiry so
that its page can say why (used, expired, replaced) and send a new one to
the account's address; then it is forgotten like one never made.
"""

import secrets
import time

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from ..util import root_attribute
from .reset import digest, empreinte

LIFETIME = 14 * 24 * 3600
GARDE = 90 * 24 * 3600
_ATTR = "_portail_activations"

# What a link is, seen from its page.
VALIDE = "valide"
UTILISE = "utilise"  # used, or the password changed since
EXPIRE = "expire"
REMPLACE = "remplace"
INCONNU = "inconnu"


class Liens(Persistent):
    """``liens``: digest -> (account oid, expiry, password fingerprint,
    state); ``echeances``: (expiry, digest) in order, to forget the old
    ones without reading the others."""

    def __init__(self):
        self.liens = OOBTree()
        self.echeances = OOBTree()

    def oublier(self, now):
        while self.echeances:
            expires, key = self.echeances.minKey()
            if expires + GARDE >= now:
                break
            del self.echeances[(expires, key)]
            self.liens.pop(key, None)


def _store(root):
    return root_attribute(root, _ATTR, Liens)


def lifetime(settings):
    return int((settings or {}).get("portail.activation_lifetime") or LIFETIME)


def create(root, user, userid, lifetime=LIFETIME, now=None):
    """A new link for ``user`` (its oid ``userid``): returns its token.
    The account's earlier link stops working."""
    now = time.time() if now is None else now
    store = _store(root)
    store.oublier(now)
    liens = store.liens
    previous = getattr(user, "_portail_activation", None)
    if previous in liens:
        uid, expires, fingerprint, etat = liens[previous]
        if etat == VALIDE:
            liens[previous] = (uid, expires, fingerprint, REMPLACE)
    token = secrets.token_urlsafe(32)
    key = digest(token)
    liens[key] = (userid, now + lifetime, empreinte(user), VALIDE)
    store.echeances[(now + lifetime, key)] = None
    user._portail_activation = key
    return token


def find(root, token, locate, now=None):
    """(state of the link ``token``, its account or None): the account is
    known for every state but INCONNU, usable only when VALIDE."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return INCONNU, None
    now = time.time() if now is None else now
    entry = _store(root).liens.get(digest(token))
    if entry is None:
        return INCONNU, None
    userid, expires, fingerprint, etat = entry
    user = locate(userid)
    if user is None:
        return INCONNU, None
    if etat != VALIDE:
        return etat, user
    if fingerprint != empreinte(user):
        return UTILISE, user
    if expires < now:
        return EXPIRE, user
    return VALIDE, user


def consume(root, token):
    """The link ``token`` has served: it never works again."""
    liens = _store(root).liens
    key = digest(token)
    if key in liens:
        userid, expires, fingerprint, _etat = liens[key]
        liens[key] = (userid, expires, fingerprint, UTILISE)


def en_attente(user):
    """Whether ``user`` has never chosen a password (made by staff, not
    activated yet)."""
    return not user.password
