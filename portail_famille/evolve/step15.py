"""Staff see only what their role needs of other staff: the role table is
written again, and only administrators reach other people's accounts
(``principals``)."""

from ..security import apply_role_table


def evolve(root, registry):
    apply_role_table(root, registry=registry)
