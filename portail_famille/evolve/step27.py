"""Changing a child's health data from the family's file is its own
permission (``P.SANTE_MODIFIER``: agents and administrators, not
régisseurs, who do not even read it).  The role table is written again so
that agents get it on ``familles``; the families' own ACLs do not change
(parents ask for a change by a request)."""

from ..security import apply_role_table


def evolve(root, registry):
    apply_role_table(root, registry=registry)
