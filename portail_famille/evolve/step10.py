"""Personal data (RGPD): the root gets its Audit of staff reads, and every
Famille an ACL with the parents' new permission (download "Mes données")."""

from ..rgpd.audit import audit


def evolve(root, registry):
    audit(root)
    familles = root.get("familles")
    if familles is None:
        return
    for famille in familles.values():
        famille.update_acl()
