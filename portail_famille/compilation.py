"""Templates compiled one at a time.

Chameleon compiles a template on its first use, through Python's ``ast``
module.  On Python 3.11.7 that conversion is not safe when several threads
compile at once ("SystemError: AST constructor recursion depth mismatch",
CPython gh-106905, fixed in later releases): seen when a freshly started
process answers several first requests at the same moment (a 500).  A lock
around Chameleon's compilation step makes the first requests wait for each
other instead; rendering a compiled template never takes it.
"""

import threading

from chameleon.template import BaseTemplate

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
