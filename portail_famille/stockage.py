"""The shared database: its URI's cache settings, and a new database's root.

Several processes (and machines) share one database through ZEO or
RelStorage.  Each process sizes its own caches; the settings
``portail.zodb.cache_size`` (objects kept per connection),
``portail.zodb.cache_size_bytes`` (the same bounded in bytes, e.g. 200MB)
and ``portail.zodb.pool_size`` (connections kept, about waitress' threads)
are added to ``zodbconn.uri``'s query unless it already sets them: the
memory of a process is bounded by pool_size x cache_size_bytes, whatever
the size of the database.

A new database is initialised by ONE process before the others start:
``portail-famille-init production.ini`` creates the root (the admin
account, catalogs, services), runs the pending evolve steps, commits and
exits.  A process that starts on an empty storage anyway does not crash:
the storage's own root (oid 0) is created with a retry when two processes
race, and the application's root is made by the first request, its
conflict retried like any other (pyramid_retry).
"""

import random
import sys
import time
import urllib.parse

import transaction
from ZODB import DB
from ZODB.POSException import ConflictError

# setting -> the zodburi query parameter (ZODB.DB's connection options)
CACHES = {
    "portail.zodb.cache_size": "connection_cache_size",
    "portail.zodb.cache_size_bytes": "connection_cache_size_bytes",
    "portail.zodb.pool_size": "connection_pool_size",
}
# Storages that several processes share (and that may start empty).
PARTAGES = ("zeo", "postgres", "mysql", "oracle")


def uri_avec_caches(uri, settings):
    """``uri`` with the cache settings added to its query (what the URI
    says wins)."""
    ajouts = []
    query = uri.split("?", 1)[1] if "?" in uri else ""
    presents = {nom for nom, _ in urllib.parse.parse_qsl(query)}
    for reglage, parametre in CACHES.items():
        valeur = str(settings.get(reglage) or "").strip()
        if valeur and parametre not in presents:
            ajouts.append("%s=%s" % (parametre, urllib.parse.quote(valeur)))
    if not ajouts:
        return uri
    return uri + ("&" if "?" in uri else "?") + "&".join(ajouts)


def preparer(uri, essais=10):
    """Make sure the storage behind ``uri`` has its ZODB root (oid 0).

    ``ZODB.DB`` writes it when the storage is empty; two processes doing so
    at once conflict, and the second would die at start.  Here the loser
    opens the storage again and finds the root.  Nothing is done for a
    storage of one process (file://, memory://)."""
    if uri.split(":", 1)[0] not in PARTAGES:
        return
    from zodburi import resolve_uri

    fabrique, dbkw = resolve_uri(uri)
    for essai in range(essais):
        stockage = fabrique()
        try:
            DB(stockage, **dbkw).close()
            return
        except ConflictError:
            stockage.close()
            if essai == essais - 1:
                raise
            time.sleep(random.uniform(0.05, 0.5))  # noqa: S311 (not security)


def initialiser(config_uri, essais=10, sortie=print):
    """Create the application's root and run the evolve steps not done."""
    from pyramid.paster import bootstrap, setup_logging
    from substanced.evolution import EvolutionManager

    setup_logging(config_uri)
    for essai in range(essais):
        try:
            env = bootstrap(config_uri)  # its root factory creates the root
            break
        except ConflictError:
            transaction.abort()
            if essai == essais - 1:
                raise
            time.sleep(random.uniform(0.05, 0.5))  # noqa: S311 (not security)
    try:
        manager = EvolutionManager(env["root"], env["registry"])
        manager.out = sortie
        faits = manager.evolve(commit=True)
        sortie(
            "Database ready (%s evolve step(s) run)" % len(faits)
            if faits
            else "Database ready (nothing to evolve)"
        )
    finally:
        transaction.abort()
        env["closer"]()
        for db in getattr(env["registry"], "_zodb_databases", {}).values():
            db.close()


def initialiser_main(argv=None):
    argv = sys.argv if argv is None else argv
    if len(argv) != 2:
        print("usage: %s production.ini" % argv[0], file=sys.stderr)
        return 2
    initialiser(argv[1])
    return 0
