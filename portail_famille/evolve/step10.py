"""Personal data (RGPD): every Famille an ACL with the parents' new
permission (download "Mes données").  (This step also gave the root its
audit of staff reads; that store is now the site's journal: step23.)"""


def evolve(root, registry):
    familles = root.get("familles")
    if familles is None:
        return
    for famille in familles.values():
        famille.update_acl()
