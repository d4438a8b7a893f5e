"""Numbered evolve steps: schema changes of stored objects.

A step is a module ``stepN`` with ``evolve(root, registry)``; steps run with
``sd_evolve`` (or the SDI's Database > Evolve tab).  A new database marks
every step as done: its root is created in the current shape.  A step
that cannot run raises ``EtapeRefusee`` (``stockage``, which runs them)."""

from ..stockage import EtapeRefusee  # noqa: F401  (the steps raise it)

# In the order they run (numbers were given to parallel branches: a gap is
# a step not merged yet).
# fmt: off
STEPS = tuple(
    "step%d" % n
    for n in (*range(1, 13), 14, 15, 16, 17, 20, 21, 22, 23, 24, 25, 26, 27, 30, 33,
              34, 35, 36, 37, 38, 40, 41, 42, 43, 45, 46, 48, 49)
)
# fmt: on


def includeme(config):
    for name in STEPS:
        module = __import__("%s.%s" % (__name__, name), fromlist=["evolve"])
        config.add_evolution_step(module.evolve, name="portail_famille.evolve.%s" % name)
