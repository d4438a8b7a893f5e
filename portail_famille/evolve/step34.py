"""Revoking a family's SEPA mandate from its file is its own permission
(``P.MANDAT_REVOQUER``: agents and régisseurs on ``familles``,
administrators).  The role table is written again so that existing
databases grant it; the families' own ACLs do not change (a family asks
for the revocation by a request)."""

from ..security import apply_role_table


def evolve(root, registry):
    apply_role_table(root, registry=registry)
