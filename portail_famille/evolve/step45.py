"""Reminders by mail and SMS (issue 21, rappels): the parents of every
family get ``P.RAPPELS_MODIFIER`` on it (a Famille's ACL names its
parents' permissions, written when a parent is attached: the families made
before hold the old list).  Their choices and outbox are made the first
time they are used (``rappels.resources.rappels``): nothing else to add."""


def evolve(root, registry):
    familles = root.get("familles")
    if familles is None:
        return
    for famille in familles.values():
        famille.update_acl()
