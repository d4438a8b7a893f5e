"""Messages, documents and news: the root's ``documents`` and
``actualites`` folders take their own content types, every Famille gets its
Messages folder and an ACL with the parents' new permission (write to the
service), and the role table its new permissions (messaging for agents,
documents and news for editors and agents)."""

from substanced.util import find_service

from ..familles.resources import SOUS_DOSSIERS
from ..site import ensure_site, retyper


def evolve(root, registry):
    for name in ("documents", "actualites"):
        retyper(root, name, registry)
    ensure_site(root, registry)
    # The conversations' indexes (they are new: nothing to reindex yet).
    find_service(root, "catalogs")["portail"].update_indexes(
        registry=registry, reindex=True, output=False
    )
    familles = root.get("familles")
    if familles is None:
        return
    content = registry.content
    for famille in familles.values():
        for name, content_type in SOUS_DOSSIERS.items():
            if name not in famille:
                famille.add(name, content.create(content_type), registry=registry)
        famille.update_acl()
