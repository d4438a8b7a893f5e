"""Health data (RGPD minimisation): reading a child's health data is its own
permission (``P.SANTE_VOIR``), held by the family's parents, agents and
administrators, not by régisseurs.  The role table is written again (agents
get it on ``familles``) and every Famille an ACL with the parents' new
permission."""

from ..security import apply_role_table


def evolve(root, registry):
    apply_role_table(root, registry=registry)
    familles = root.get("familles")
    if familles is None:
        return
    for famille in familles.values():
        famille.update_acl()
