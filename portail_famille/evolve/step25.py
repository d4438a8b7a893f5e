"""The staff's search by name: the ``portail`` catalog gets the families'
indexes (``familles.catalog``: their mots and their sort name), every
existing family is indexed, and the role table its new permission (agents
and régisseurs search the families)."""

from substanced.util import find_service

from ..familles.resources import IFamille
from ..site import ensure_site


def evolve(root, registry):
    ensure_site(root, registry)
    catalog = find_service(root, "catalogs")["portail"]
    # The new indexes (empty), then the families only: reindexing the
    # whole catalog would read every request and message of the town.
    catalog.update_indexes(registry=registry, reindex=False, output=False)
    familles = root.get("familles")
    if familles is None:
        return
    for famille in familles.values():
        if IFamille.providedBy(famille):
            catalog.reindex_resource(famille)
