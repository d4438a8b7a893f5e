"""The CAF's statistics read a store the planning keeps in step
(``planning.journees``: per prestation and month, the counted days of each
child) instead of every enrolled child's cells: made here from the cells,
billed cells and recorded times stored before."""

from ..planning import journees


def evolve(root, registry):
    journees.reconstruire(root)
