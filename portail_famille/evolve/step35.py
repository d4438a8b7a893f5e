"""The direct-debit batches of a régie have their own permissions
(``P.PRELEVEMENT_LOT_VOIR``, ``P.PRELEVEMENT_LOT_GERER``: régisseurs on
the régies; administrators hold every permission): the role table is
written again so that régisseurs get them on ``regies``."""

from ..security import apply_role_table


def evolve(root, registry):
    apply_role_table(root, registry=registry)
