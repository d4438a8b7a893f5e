"""The staff's search by name: the ``portail`` catalog gets the families'
indexes (``familles.catalog``: their mots and their sort name), every
existing family is indexed, and the role table its new permission (agents
and régisseurs search the families)."""

from ..site import ensure_site
from .index_familles import indexer_familles


def evolve(root, registry):
    ensure_site(root, registry)
    indexer_familles(root, registry)
