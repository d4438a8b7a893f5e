"""Money: the root's ``regies`` folder becomes a Regies folder (régies can
be added to it), every Famille gets its Factures and Reglements folders and
an ACL with the parents' new permissions (see and pay their invoices), and
régisseurs the invoicing permissions (the role table)."""

from ..familles.resources import SOUS_DOSSIERS
from ..site import ensure_site, retyper


def evolve(root, registry):
    content = registry.content
    retyper(root, "regies", registry)
    ensure_site(root, registry)
    familles = root.get("familles")
    if familles is None:
        return
    for famille in familles.values():
        for name, content_type in SOUS_DOSSIERS.items():
            if name not in famille:
                famille.add(name, content.create(content_type), registry=registry)
        famille.update_acl()
