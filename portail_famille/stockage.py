"""The shared database: its URI's cache settings, and a new database's root.

Several processes (and machines) share one database through ZEO or
RelStorage.  Each process sizes its own caches; the settings
``portail.zodb.cache_size`` (objects kept per connection),
``portail.zodb.cache_size_bytes`` (the same bounded in bytes, e.g. 200MB),
``portail.zodb.pool_size`` (connections kept, about waitress' threads) and
``portail.zodb.blob_cache`` (this process's own blob cache directory:
ZEO and RelStorage with ``shared_blob_dir=false``) are added to
``zodbconn.uri``'s query unless it already sets them.  The objects a
process keeps in memory are bounded by pool_size x cache_size_bytes,
whatever the size of the database.

A new database is initialised by ONE process before the others start:
``portail-famille-init production.ini`` creates the root (the admin
account, catalogs, services), runs the pending evolve steps, commits and
exits.  A process that starts on an empty storage anyway does not crash:
the storage's own root (oid 0) is created with a retry when two processes
race, and the application's root is made by the first request, its
conflict retried like any other (pyramid_retry).

An upgrade runs the new evolve steps with that one process too, which
prints each step it applies (its name and what it changes: the first
paragraph of its docstring). Code older than its database (the database
records an evolve step this code does not know: a newer release ran on it)
is refused, by ``portail-famille-init`` and by every process at start
(``refuser_si_plus_recente``), with a French message: it would read
objects in a shape it does not know.
"""

import random
import sys
import time
import urllib.parse

import transaction
from pyramid.interfaces import IException
from substanced.evolution import FINISHED_KEY
from substanced.interfaces import IEvolutionSteps
from ZODB import DB
from ZODB.POSException import ConflictError
from zope.interface import alsoProvides, classImplements

from .util import close_databases

# setting -> the zodburi query parameter (ZODB.DB's connection options, and
# the process's own blob cache directory)
CACHES = {
    "portail.zodb.cache_size": "connection_cache_size",
    "portail.zodb.cache_size_bytes": "connection_cache_size_bytes",
    "portail.zodb.pool_size": "connection_pool_size",
    "portail.zodb.blob_cache": "blob_dir",
}
# Storages that several processes share (and that may start empty).
PARTAGES = ("zeo", "postgres", "mysql", "oracle")


class EtapeRefusee(Exception):
    """An evolve step that cannot run on the data as it is: ``args[0]`` says why
    (English, then French) and what to fix; the step changed nothing."""


class BasePlusRecente(Exception):
    """The database was evolved by a newer release than this code;
    ``args[0]``: the French message (what to do)."""


MESSAGE_PLUS_RECENTE = (
    "La base de données a été mise à jour par une version plus récente du "
    "Portail Famille (étapes d'évolution inconnues de cette version : %s). "
    "Cette version, plus ancienne, refuse de l'ouvrir : installez la version "
    "qui l'a mise à jour (ou une plus récente), ou restaurez la sauvegarde "
    "faite avant la mise à jour."
)


def etapes_connues(registry):
    """The names of the evolve steps this code registers (its own and
    SubstanceD's)."""
    tri = registry.queryUtility(IEvolutionSteps)
    return {nom for nom, _etape in tri.sorted()} if tri is not None else set()


def etapes_inconnues(zodb_root, registry):
    """The evolve steps the database records as done that this code does
    not know, sorted: not empty when a newer release evolved it."""
    faites = zodb_root.get(FINISHED_KEY)
    if faites is None:
        return []
    return sorted(set(faites.keys()) - etapes_connues(registry))


def refuser_si_plus_recente(registry):
    """Raise BasePlusRecente when the database of ``registry`` (opened by
    pyramid_zodbconn) was evolved by a newer release.  Reads only."""
    databases = getattr(registry, "_zodb_databases", None) or {}
    db = databases.get("")
    if db is None:
        return
    connexion = db.open()
    try:
        inconnues = etapes_inconnues(connexion.root(), registry)
    finally:
        connexion.transaction_manager.abort()
        connexion.close()
    if inconnues:
        raise BasePlusRecente(MESSAGE_PLUS_RECENTE % ", ".join(inconnues))


def description(etape):
    """What an evolve step changes: the first paragraph of its module's docstring."""
    module = sys.modules.get(getattr(etape, "__module__", ""), None)
    texte = (getattr(module, "__doc__", None) or getattr(etape, "__doc__", None) or "").strip()
    return " ".join(texte.split("\n\n")[0].split()) if texte else ""


class IBaseInjoignable(IException):
    """An error of the driver of the database when its server restarted or
    is down (PostgreSQL under RelStorage): retried like a conflict, then a
    French 503 "try again" (ZEO's ClientDisconnected already is a
    TransientError)."""


def marquer_deconnexions():
    import psycopg2
    from pyramid_retry import mark_error_retryable

    for classe in (psycopg2.OperationalError, psycopg2.InterfaceError):
        if not IBaseInjoignable.implementedBy(classe):
            classImplements(classe, IBaseInjoignable)
            mark_error_retryable(classe)


def marquer_si_deconnexion(exc):
    """An error raised because PostgreSQL went away is a disconnection too:
    retried, then answered by the French 503.  Such are:

    - an error raised while handling a lost connection, at any depth of
      its causes: psycopg2 raises a SystemError from its C code when
      PostgreSQL stops in the middle of a COPY (its cause: AdminShutdown,
      an OperationalError; seen once in the restart test, a 500 among the
      503s);
    - psycopg2's bare ``DatabaseError``, which it raises when the server
      vanished between a query and its result ("error with status
      PGRES_TUPLES_OK and no message from the libpq"); its subclasses
      (integrity, programming, data errors) stay errors.

    Returns whether ``exc`` is (now) marked."""
    from pyramid_retry import IRetryableError

    if IBaseInjoignable.providedBy(exc):
        return True
    if not (_base_nue(exc) or any(IBaseInjoignable.providedBy(c) for c in _causes(exc))):
        return False
    alsoProvides(exc, IBaseInjoignable, IRetryableError)
    return True


def _base_nue(exc):
    psycopg2 = sys.modules.get("psycopg2")
    return psycopg2 is not None and type(exc) is psycopg2.DatabaseError


def _causes(exc):
    """The exceptions ``exc`` was raised from or while handling."""
    vues = {id(exc)}
    cause = exc.__cause__ or exc.__context__
    while cause is not None and id(cause) not in vues:
        vues.add(id(cause))
        yield cause
        cause = cause.__cause__ or cause.__context__


def uri_avec_caches(uri, settings, port=None):
    """``uri`` with the cache settings added to its query (what the URI
    says wins).  The blob cache, for a shared storage only, is this
    process's: "-<port>" is added to it when the process has a port
    (``pserve production.ini http_port=6544``)."""
    partage = uri.split(":", 1)[0] in PARTAGES
    ajouts = []
    query = uri.split("?", 1)[1] if "?" in uri else ""
    presents = {nom for nom, _ in urllib.parse.parse_qsl(query)}
    for reglage, parametre in CACHES.items():
        valeur = str(settings.get(reglage) or "").strip()
        if not valeur or parametre in presents:
            continue
        if parametre == "blob_dir":
            if not partage:
                continue
            if port:
                valeur = "%s-%s" % (valeur, port)
            if "shared_blob_dir" not in presents:
                # a cache of this process, not the server's blob directory
                ajouts.append("shared_blob_dir=false")
        ajouts.append("%s=%s" % (parametre, urllib.parse.quote(valeur)))
    if not ajouts:
        return uri
    return uri + ("&" if "?" in uri else "?") + "&".join(ajouts)


def preparer(uri, essais=10, attente=60):
    """Make sure the storage behind ``uri`` has its ZODB root (oid 0).

    ``ZODB.DB`` writes it when the storage is empty; two processes doing so
    at once conflict, and the second would die at start.  Here the loser
    opens the storage again and finds the root.  Nothing is done for a
    storage of one process (file://, memory://).  A ZEO server not there
    yet is waited for ``attente`` seconds."""
    schema = uri.split(":", 1)[0]
    if schema not in PARTAGES:
        return
    if schema == "postgres":
        marquer_deconnexions()
    from ZEO.Exceptions import ClientDisconnected
    from zodburi import resolve_uri

    attendre = (ClientDisconnected,)
    if schema == "postgres":
        import psycopg2

        # RelStorage creates its tables on an empty database: two processes
        # doing so at once break a unique constraint; the loser finds them.
        attendre += (psycopg2.Error,)
    fabrique, dbkw = resolve_uri(uri)
    fin = time.monotonic() + attente
    conflits = 0
    while True:
        try:
            stockage = fabrique()
        except attendre:
            # No server yet (ZEO's wait_timeout is short: a request must not
            # hang; a process starting waits longer), or the tables made.
            if time.monotonic() > fin:
                raise
            time.sleep(random.uniform(0.05, 0.5))  # noqa: S311 (not security)
            continue
        try:
            DB(stockage, **dbkw).close()
            return
        except ConflictError:
            stockage.close()
            conflits += 1
            if conflits == essais:
                raise
            time.sleep(random.uniform(0.05, 0.5))  # noqa: S311 (not security)


def sans_transaction_fantome(event):
    """Before pyramid_retry's next attempt: the environ no longer says a
    transaction is active.  pyramid_tm marks it ``tm.active`` before it
    begins the transaction and unmarks it after; when beginning fails
    (RelStorage cannot reach PostgreSQL to poll), the mark stays, and the
    next attempt ran with no transaction at all: its writes were never
    committed while the page said "Réservation enregistrée" (measured: 1
    or 2 bookings lost per PostgreSQL restart under load)."""
    event.environ.pop("tm.active", None)
    event.environ.pop("tm.manager", None)


def creer_application(config, essais=10):
    """``config.make_wsgi_app()``, again when it conflicts: at start
    SubstanceD creates the root of an empty database and syncs its
    catalogs, outside any request (no pyramid_retry); a process starting
    with another one must not die of it."""
    from pyramid_retry import IBeforeRetry

    config.add_subscriber(sans_transaction_fantome, IBeforeRetry)
    # Before anything else opens it (catalogs' sync at start writes): a
    # database evolved by a newer release is refused.
    config.commit()
    try:
        refuser_si_plus_recente(config.registry)
    except BasePlusRecente:
        close_databases(config.registry)
        raise
    for essai in range(essais):
        try:
            return config.make_wsgi_app()
        except ConflictError:
            transaction.abort()
            if essai == essais - 1:
                raise
            time.sleep(random.uniform(0.1, 1.0))  # noqa: S311 (not security)
    return None  # pragma: no cover


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
        inconnues = etapes_inconnues(manager.get_zodb_root(), env["registry"])
        if inconnues:
            raise BasePlusRecente(MESSAGE_PLUS_RECENTE % ", ".join(inconnues))
        etapes = dict(manager.get_unfinished_steps())

        def annoncer(texte):
            # SubstanceD says "Executing evolution step <name>" before each step
            nom = texte.rsplit(" ", 1)[-1]
            sortie("Evolve step %s: %s" % (nom, description(etapes.get(nom)) or "(no description)"))

        manager.out = annoncer
        faits = manager.evolve(commit=True)
        sortie(
            "Database ready (%s evolve step(s) run)" % len(faits)
            if faits
            else "Database ready (nothing to evolve)"
        )
    finally:
        transaction.abort()
        env["closer"]()
        close_databases(env["registry"])


def initialiser_main(argv=None):
    argv = sys.argv if argv is None else argv
    if len(argv) != 2:
        print("usage: %s production.ini" % argv[0], file=sys.stderr)
        return 2
    try:
        initialiser(argv[1])
    except (EtapeRefusee, BasePlusRecente) as refus:  # says what to fix; nothing changed
        print(refus.args[0], file=sys.stderr)
        return 1
    return 0
