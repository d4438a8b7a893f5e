"""Money: the root's ``regies`` folder becomes a Regies folder (régies can
be added to it), every Famille gets its Factures and Reglements folders and
an ACL with the parents' new permissions (see and pay their invoices), and
régisseurs the invoicing permissions (the role table)."""

from ..familles.resources import SOUS_DOSSIERS
from ..site import ensure_site


def evolve(root, registry):
    content = registry.content
    ancien = root.get("regies")
    if ancien is not None and content.typeof(ancien) != "Regies":
        nouveau = content.create("Regies")
        nouveau.title = getattr(ancien, "title", "Régies")
        nouveau.__sdi_deletable__ = False
        for name in list(ancien.keys()):
            nouveau.add(name, ancien.remove(name, registry=registry), registry=registry)
        root.remove("regies", registry=registry)
        root.add("regies", nouveau, registry=registry)
    ensure_site(root, registry)
    familles = root.get("familles")
    if familles is None:
        return
    for famille in familles.values():
        for name, content_type in SOUS_DOSSIERS.items():
            if name not in famille:
                famille.add(name, content.create(content_type), registry=registry)
        famille.update_acl()
