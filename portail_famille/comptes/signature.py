"""The session cookie's signature, checked once per cookie value.

Pyramid's cookie session (``SignedCookieSessionFactory``) checks the
cookie's HMAC-SHA512 (in Python, through a digest given as a function)
and decodes its base64 on every request that reads the session: each page
does (its CSRF token, its flash messages).  The same cookie comes back
with every request of a browser until the session changes, so the
verified bytes are remembered per cookie value (the serializer's own
memory: one per secret); the JSON is still decoded on each request, into
a new session dict.  A cookie whose signature fails raises each time and
is never remembered.
"""

import functools

from pyramid.session import BaseCookieSessionFactory, JSONSerializer
from webob.cookies import SignedSerializer

SALT = "pyramid.session."  # SignedCookieSessionFactory's default
MEMOIRE = 4096  # cookie values remembered (the sessions of the last minutes)


class _Brut:
    """The payload as it is, both ways: the inner serializer of the
    signature's check (the JSON is decoded after it, on each request)."""

    @staticmethod
    def loads(cstruct):
        return cstruct

    @staticmethod
    def dumps(appstruct):
        return appstruct


class SignatureMemorisee(SignedSerializer):
    """WebOb's SignedSerializer (``dumps`` unchanged), whose ``loads``
    remembers the verified payload of each cookie value."""

    def __init__(self, secret, salt, hashalg="sha512", serializer=None):
        super().__init__(secret, salt, hashalg, serializer=serializer)
        # upstream's check itself, on the payload left as it is
        verifier = SignedSerializer(secret, salt, hashalg, serializer=_Brut)
        self._verifie = functools.lru_cache(maxsize=MEMOIRE)(verifier.loads)

    def loads(self, bstruct):
        return self.serializer.loads(self._verifie(bytes(bstruct)))


def session_factory(secret, hashalg="sha512", **kw):
    """``SignedCookieSessionFactory(secret, hashalg=..., serializer=JSON,
    **kw)``: the same cookie, signed and read the same way, with its
    signature checked once per value."""
    serializer = SignatureMemorisee(secret, SALT, hashalg, serializer=JSONSerializer())
    return BaseCookieSessionFactory(serializer, **kw)
