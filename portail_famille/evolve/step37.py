"""The régie's titres de recettes to the Trésor public (PES V2) have their
permissions (``P.PES_VOIR``, ``P.PES_GERER``: régisseurs on ``regies``,
administrators): the role table is written again.  The files and their
sequences are made with the first file (``pes.resources``)."""

from ..security import apply_role_table


def evolve(root, registry):
    apply_role_table(root, registry=registry)
