"""What the patches were written against.

``garder(cible)`` keeps upstream's object before a patch replaces it
(``ORIGINAUX``: the patches call it, the tests read it); ``remplacer`` puts
the patch in its place; ``Amont`` names the upstream code a patch (or a
workaround elsewhere) relies on, with the fingerprint of its source at the
pinned version, which tests/unit/test_correctifs.py compares with the
installed one.  A ``cible`` is ``"module:Attribute.path"``.
"""

import hashlib
import importlib
import inspect
from typing import NamedTuple


class Amont(NamedTuple):
    cible: str  # "chameleon.template:BaseTemplate._cook"
    projet: str  # the distribution, as constraints.txt names it
    version: str  # the version pinned when the patch was checked
    empreinte: str  # sha256 of the source there, first 16 hex digits


ORIGINAUX = {}  # cible -> upstream's object, kept before it is replaced


def resoudre(cible):
    """The object at ``cible`` now (patched or not)."""
    module, _, chemin = cible.partition(":")
    obj = importlib.import_module(module)
    for nom in filter(None, chemin.split(".")):
        obj = getattr(obj, nom)
    return obj


def garder(cible):
    """Upstream's object at ``cible``, kept the first time it is asked
    (when the patch's module is imported, before any patch)."""
    if cible not in ORIGINAUX:
        ORIGINAUX[cible] = resoudre(cible)
    return ORIGINAUX[cible]


def original(cible):
    """Upstream's own object at ``cible``, even once patched."""
    return ORIGINAUX[cible] if cible in ORIGINAUX else resoudre(cible)


def remplacer(cible, nouveau):
    """Put ``nouveau`` at ``cible`` (upstream's kept first); doing it again
    changes nothing."""
    garder(cible)
    module, _, chemin = cible.partition(":")
    parent, _, nom = chemin.rpartition(".")
    setattr(resoudre("%s:%s" % (module, parent)), nom, nouveau)


def empreinte(obj):
    """The fingerprint of ``obj``'s source (follows ``__wrapped__``)."""
    return hashlib.sha256(inspect.getsource(obj).encode("utf-8")).hexdigest()[:16]
