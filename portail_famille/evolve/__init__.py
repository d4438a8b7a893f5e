"""Numbered evolve steps: schema changes of stored objects.

A step is a module ``stepN`` with ``evolve(root, registry)``; steps run with
``sd_evolve`` (or the SDI's Database > Evolve tab).  A new database marks
every step as done: its root is created in the current shape."""

STEPS = tuple("step%d" % n for n in (*range(1, 12), 15))  # step1 ... step11, step15


def includeme(config):
    for name in STEPS:
        module = __import__("%s.%s" % (__name__, name), fromlist=["evolve"])
        config.add_evolution_step(module.evolve, name="portail_famille.evolve.%s" % name)
