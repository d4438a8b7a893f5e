"""The kitchen's tally and the CAF's statistics: every Structure gets the
meals of its days (``planning.repas``: who eats, per day, from the cells
of the meal prestations) and the Structures folder the index of the
children's diets, made from the data stored before; the role table its
new permission (agents and régisseurs read the statistics)."""

from ..planning import repas
from ..site import ensure_site


def evolve(root, registry):
    ensure_site(root, registry)
    repas.reconstruire(root)
