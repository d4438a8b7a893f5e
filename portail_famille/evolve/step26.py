"""The staff's dashboard of the day (``accueil.tableau``): the role table
is written again (its permission for agents, régisseurs and editors; the
messaging for régisseurs), and the ``portail`` catalog gets the index of
the children with a health alert (``accueil.sante``), filled from every
family."""

from ..security import apply_role_table
from .index_familles import indexer_familles


def evolve(root, registry):
    apply_role_table(root, registry=registry)
    indexer_familles(root, registry)
