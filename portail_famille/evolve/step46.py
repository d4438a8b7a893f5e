"""Long jobs out of the request (issue 22): the root's queue of jobs
(``travaux.service.creer_file``, what a new root gets when it is made),
and agents and régisseurs may follow them (P.TRAVAUX_SUIVRE on the root)."""

from ..security import apply_role_table
from ..travaux.service import creer_file


def evolve(root, registry):
    creer_file(root)
    apply_role_table(root, registry=registry)
