"""The ``portail`` catalog: the indexes the portal's lists query (the
staff's queue of requests, a day's waiting list, the agents' inbox, a
family's messages).

Each domain declares its own indexes from its includeme
(``config.add_portail_indexes(nom=Field(...))``) and its index views beside
its content (``demandes.catalog``, ``messagerie.catalog``); the catalog's
factory gathers what they declared.  Two domains may index one name (both
index ``famille``) with the same kind of index."""

from pyramid.exceptions import ConfigurationError
from substanced.catalog.factories import CatalogFactory
from substanced.interfaces import ICatalogFactory

CATALOG = "portail"


def add_portail_indexes(config, **indexes):
    declared = config.registry.portail_indexes
    for name, factory in indexes.items():
        other = declared.setdefault(name, factory)
        if type(other) is not type(factory):
            raise ConfigurationError(
                "index %r of the %r catalog declared as %s and as %s"
                % (name, CATALOG, type(other).__name__, type(factory).__name__)
            )


def includeme(config):
    registry = config.registry
    if getattr(registry, "portail_indexes", None) is not None:
        return  # included already (by another domain)
    indexes = registry.portail_indexes = {}
    factory = CatalogFactory(CATALOG, indexes)  # filled by the domains' includemes
    config.add_directive("add_portail_indexes", add_portail_indexes)

    def register():
        registry.registerUtility(factory, ICatalogFactory, name=CATALOG)

    config.action(("sd-catalog-factory", CATALOG), callable=register)
