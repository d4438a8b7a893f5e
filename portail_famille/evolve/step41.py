"""The mailbox as parents expect (issue 20): a thread shows in every list
of the family's it belongs to (index ``message_listes``: the service's
reply to a family's message is in "Messages reçus", the message itself
still in "Messages envoyés"), and ``message_boite`` (the thread's "back"
link) says "recus" once the service wrote in it."""

from substanced.util import find_catalog, find_objectmap

from ..catalogue import CATALOG


def evolve(root, registry):
    catalog = find_catalog(root, CATALOG)
    if catalog is None:
        return
    # adds ``message_listes`` and fills it from every conversation
    catalog.update_indexes(registry=registry, reindex=True, output=False)
    objectmap = find_objectmap(root)
    index = catalog["message_boite"]
    for oid in list(catalog["message_date"].docids()):
        conversation = objectmap.object_for(oid)
        if conversation is not None:
            index.reindex_resource(conversation, oid=oid)
