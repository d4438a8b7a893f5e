"""Compiled templates shared by every application of a test process.

Chameleon compiles a page template the first time a template object
renders, and each application (each ``make_app``) has its own template
objects: a test that showed five pages compiled five templates again,
seconds on a busy machine.  Chameleon's own answer is a loader that keeps
the compiled module by its digest (the template's body, file name,
options and the packages' versions: ``CHAMELEON_CACHE`` keeps it on
disk); this one keeps it in memory, for the life of the process.  A
template whose body changes gets another digest, so it is compiled anew.
"""

from chameleon.loader import MemoryLoader
from chameleon.template import BaseTemplate


class Memoire(MemoryLoader):
    """MemoryLoader that remembers what it built, by file name (digest)."""

    def __init__(self):
        self.modules = {}

    def get(self, name):
        return self.modules.get(name)

    def build(self, source, filename):
        env = super().build(source, filename)
        self.modules[filename] = env
        return env


def installer():
    """Every template of the process loads through one Memoire."""
    if not isinstance(BaseTemplate.loader, Memoire):
        BaseTemplate.loader = Memoire()
