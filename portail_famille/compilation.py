"""Templates compiled one at a time.

Chameleon compiles a template on its first use, through Python's ``ast``
module.  On Python 3.11.7 that conversion is not safe when several threads
compile at once ("SystemError: AST constructor recursion depth mismatch",
CPython gh-106905, fixed in later releases): seen when a freshly started
process answers several first requests at the same moment (a 500).  A lock
around Chameleon's compilation step makes the first requests wait for each
other instead; rendering a compiled template never takes it.

The conversion's state is shared by the whole process, not only by
Chameleon: Python 3.11's ``traceback`` module parses each source line it
prints (``ast.parse``, to place its ``^^^`` marks), so a traceback logged by
one request while another compiles a template broke the compilation too
(seen under a burst of write conflicts).  ``ast.parse`` takes the same lock.

And one speed-up of rendering: Chameleon copies its variables' scope for
every slot a page fills (``Scope.copy``).  ``Scope`` is a dict subclass with
its own ``__iter__``, so ``Scope(self)`` took Python's slow path (a method
call per variable: ~140 per page, 7 µs a copy); the same copy is made from
the dict's own items, in C (0.9 µs).
"""

import ast
import threading

from chameleon.template import BaseTemplate
from chameleon.utils import Scope

VERROU = threading.RLock()  # re-entrant: a template may load a macro's


def installer():
    """Wrap Chameleon's compilation step in the lock (once per process)."""
    cook = BaseTemplate._cook
    if getattr(cook, "portail_verrou", False):
        return

    def _cook(self, body, name, builtins):
        with VERROU:
            return cook(self, body, name, builtins)

    _cook.portail_verrou = True
    BaseTemplate._cook = _cook
    parse = ast.parse

    def parse_un_a_la_fois(*args, **kw):
        with VERROU:
            return parse(*args, **kw)

    parse_un_a_la_fois.portail_verrou = True
    ast.parse = parse_un_a_la_fois
    Scope.copy = copie_du_scope


def copie_du_scope(self):
    """``Scope.copy``: the same variables (its own, not its root's: those
    stay reachable through ``_root``), copied from the dict's own items."""
    inst = Scope(dict.items(self))
    inst._root = getattr(self, "_root", self)
    return inst
