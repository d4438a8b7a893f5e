"""The unpaid follow-up (``relances``): the ``portail`` catalog's new
index ``facture_impayee`` (empty), then every invoice issued before it is
indexed (an invoice paid is left out by its index view).  Reads each
invoice of the town once; the requests and messages are not reindexed."""

from substanced.util import find_service

from ..facturation.resources import Facture


def evolve(root, registry):
    catalog = find_service(root, "catalogs")["portail"]
    catalog.update_indexes(registry=registry, reindex=False, output=False)
    familles = root.get("familles")
    if familles is None:
        return
    for famille in familles.values():
        factures = famille.get("factures") if hasattr(famille, "get") else None
        if factures is None:
            continue
        for document in factures.values():
            if isinstance(document, Facture):
                catalog.reindex_resource(document)
