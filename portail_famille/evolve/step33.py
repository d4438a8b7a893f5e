"""The CAF's statistics read a store the planning keeps in step
(``planning.journees``: per prestation and month, the counted days of each
child, and the children's Fiches) instead of every enrolled child and his
cells: made here from the children, their cells, billed cells and
recorded times stored before."""

from ..planning import journees


def evolve(root, registry):
    journees.reconstruire(root)
