"""Chameleon (templates) and CPython's ``ast``: compilation one at a time,
a faster copy of a template's variables."""

import sys
import threading

from chameleon.utils import Scope

from .amont import Amont, garder, remplacer

COOK = "chameleon.template:BaseTemplate._cook"
PARSE = "ast:parse"
COPY = "chameleon.utils:Scope.copy"

AMONT = (
    Amont(COOK, "Chameleon", "4.6.0", "3ea71eab86308f08"),
    Amont(COPY, "Chameleon", "4.6.0", "a15d054c1bacb5eb"),
)
# CPython's fix of gh-106905 (python/cpython#113035), in 3.11.8: from this
# version on, the two locks below may be needless.
PYTHON_CORRIGE = (3, 11, 8)
PYTHON_VU = sys.version_info[:3]

VERROU = threading.RLock()  # re-entrant: a template may load a macro's

_COOK = garder(COOK)
_PARSE = garder(PARSE)
garder(COPY)


def _cook(self, body, name, builtins):
    with VERROU:
        return _COOK(self, body, name, builtins)


def compilation_une_a_la_fois():
    """Chameleon compiles a template on its first use, through CPython's
    ``ast`` module, in whatever thread asks first.

    Upstream wrong: on CPython 3.11.7 the conversion of a parse tree to
    ``ast`` objects keeps its recursion depth in state shared by every
    thread; two threads converting at once get "SystemError: AST
    constructor recursion depth mismatch".
    Effect on us: a freshly started process answering several first
    requests at the same moment answered a 500.  Now the first requests
    wait for each other's compilation; rendering a compiled template never
    takes the lock.
    Upstream: Chameleon 4.6.0, src/chameleon/template.py,
    ``BaseTemplate._cook`` (the compilation step); the bug is CPython's,
    https://github.com/python/cpython/issues/106905, fixed by
    https://github.com/python/cpython/pull/113035 in 3.11.8.
    """
    remplacer(COOK, _cook)


def parse_un_a_la_fois(*args, **kw):
    with VERROU:
        return _PARSE(*args, **kw)


def ast_parse_un_a_la_fois():
    """``ast.parse`` takes the lock of the templates' compilation.

    Upstream wrong: the state of the bug above is shared by the whole
    process, not only by Chameleon: CPython 3.11's ``traceback`` module
    parses each source line it prints (``ast.parse``, to place its ``^^^``
    marks).
    Effect on us: a traceback logged by one request while another compiled
    a template broke the compilation (seen under a burst of write
    conflicts: a 500).
    Upstream: CPython 3.11.7, Lib/ast.py, ``parse``;
    https://github.com/python/cpython/issues/106905, fixed in 3.11.8
    (``PYTHON_CORRIGE``).
    """
    remplacer(PARSE, parse_un_a_la_fois)


def copie_du_scope(self):
    """``Scope.copy``: the same variables (its own, not its root's: those
    stay reachable through ``_root``), copied from the dict's own items."""
    inst = Scope(dict.items(self))
    inst._root = getattr(self, "_root", self)
    return inst


def copie_de_scope_rapide():
    """Chameleon copies its variables' scope for every slot a page fills.

    Upstream wrong: ``Scope.copy`` is ``Scope(self)``; ``Scope`` is a dict
    subclass with its own ``__iter__``, so the copy takes Python's slow
    path, a method call per variable.
    Effect on us: a page's ~140 variables copied one call at a time, 7.2 µs
    a copy; from the dict's own items, in C: 1.2 µs (commit f8fdf41).
    Upstream: Chameleon 4.6.0, src/chameleon/utils.py, ``Scope.copy``;
    upstream issue: none found (CPython's own: "dict subclassing is slow",
    https://github.com/python/cpython/issues/89084).
    """
    remplacer(COPY, copie_du_scope)
