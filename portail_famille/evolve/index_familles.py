"""What a step that adds indexes about families does: the new indexes of
the ``portail`` catalog (empty), then the families only are indexed
again (reindexing the whole catalog would read every request and message
of the town)."""

from substanced.util import find_service

from ..familles.resources import IFamille


def indexer_familles(root, registry):
    catalog = find_service(root, "catalogs")["portail"]
    catalog.update_indexes(registry=registry, reindex=False, output=False)
    familles = root.get("familles")
    if familles is None:
        return
    for famille in familles.values():
        if IFamille.providedBy(famille):
            catalog.reindex_resource(famille)
