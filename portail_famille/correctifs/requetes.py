"""Pyramid 1.10's request extensions: ``pyramid.request.apply_request_extensions``.

``extensions_en_classe_partagee``: the same function, except that the
class it gives the request (the request's class plus the properties of
``add_request_method``) is made once per request class and set of
properties, then shared by every request, instead of a new class per
request.  Such a class holds only the descriptors (properties, reified
methods): what they compute goes to each request's own ``__dict__``, so
nothing passes from one request to another through it.
"""

from pyramid.interfaces import IRequestExtensions
from pyramid.util import InstancePropertyHelper

from .amont import Amont, garder, remplacer

EXTENSIONS = "pyramid.request:apply_request_extensions"
# Imported by name where each request is made.
COPIES = ("pyramid.router:apply_request_extensions", "pyramid.scripting:apply_request_extensions")

AMONT = (Amont(EXTENSIONS, "pyramid", "1.10.8", "1c22c0b77e0a3a3b"),)

_AMONT = garder(EXTENSIONS)
for _cible in COPIES:
    garder(_cible)

# On an application's extensions object (so the classes live and die with
# its registry): (request class, its properties) -> the class with them.
_CLASSES = "_portail_classes"


def apply_request_extensions(request, extensions=None):
    """Upstream's, with the class of the properties made once."""
    if extensions is None:
        extensions = request.registry.queryUtility(IRequestExtensions)
    if extensions is None:
        return
    for name, fn in extensions.methods.items():
        setattr(request, name, fn.__get__(request, request.__class__))
    descriptors = extensions.descriptors
    if not descriptors:
        return
    classes = extensions.__dict__.setdefault(_CLASSES, {})
    key = (request.__class__, tuple(descriptors.items()))
    found = classes.get(key)
    if found is not None:
        request.__class__ = found
        return
    InstancePropertyHelper.apply_properties(request, descriptors)
    classes[key] = request.__class__


def extensions_en_classe_partagee():
    """Each request gets the properties of ``add_request_method`` through a
    class of its own.

    Upstream wrong: ``apply_request_extensions`` builds a new class (the
    request's class and the properties: ``type(...)``, with
    ``__implemented__`` and ``__provides__`` copied) for every request,
    then leaves it to the cyclic garbage collector.
    Effect on us: 12 properties (user, famille, session_remaining, tm,
    sdiapi...), 62 µs of a request's CPU (a blank request with its
    extensions: 69 µs, without: 7 µs), on every page.
    Upstream: pyramid 1.10.8, pyramid/request.py,
    ``apply_request_extensions`` (through
    ``InstancePropertyHelper.apply_properties``, pyramid/util.py); imported
    by name in pyramid/router.py and pyramid/scripting.py.
    """
    remplacer(EXTENSIONS, apply_request_extensions)
    for cible in COPIES:
        remplacer(cible, apply_request_extensions)
