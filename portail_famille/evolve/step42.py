"""A parent invites the family's other responsable to an account of her own
(``comptes.invitation``): a new family permission (``P.FAMILLE_COMPTE_INVITER``),
refused to an archived family.  Every Famille's ACL is written again with
it; the role table is unchanged."""


def evolve(root, registry):
    familles = root.get("familles")
    if familles is None:
        return
    for famille in familles.values():
        famille.update_acl()
