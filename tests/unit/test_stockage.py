"""The ZODB URI of a process: its cache settings added (what the URI says
wins), its own blob cache on a shared storage only."""

from zodburi import resolve_uri

from portail_famille.stockage import uri_avec_caches

REGLAGES = {
    "portail.zodb.cache_size": "20000",
    "portail.zodb.cache_size_bytes": "256MB",
    "portail.zodb.pool_size": "8",
    "portail.zodb.blob_cache": "/srv/portail/var/blobcache",
}


def test_the_settings_size_the_caches_of_a_zeo_client():
    uri = uri_avec_caches("zeo://127.0.0.1:8100?wait_timeout=5", REGLAGES, "6544")
    _factory, dbkw = resolve_uri(uri)
    assert dbkw["cache_size"] == 20000
    assert dbkw["cache_size_bytes"] == 256 * 2**20
    assert dbkw["pool_size"] == 8
    assert "blob_dir=/srv/portail/var/blobcache-6544&" in uri + "&"
    assert "shared_blob_dir=false" in uri and "wait_timeout=5" in uri


def test_what_the_uri_says_wins():
    uri = uri_avec_caches(
        "postgres://u@h/db?connection_pool_size=3&blob_dir=/x&shared_blob_dir=false", REGLAGES
    )
    assert "connection_pool_size=3" in uri and "connection_pool_size=8" not in uri
    assert uri.count("blob_dir=") == 2  # blob_dir and shared_blob_dir, once each
    assert "blobcache" not in uri


def test_a_filestorage_keeps_its_own_blob_directory():
    uri = "file:///srv/Data.fs?blobstorage_dir=/srv/blobs"
    found = uri_avec_caches(uri, REGLAGES, "6543")
    assert "blob_dir" not in found.replace("blobstorage_dir", "")
    assert resolve_uri(found)[1]["cache_size_bytes"] == 256 * 2**20
    assert uri_avec_caches(uri, {}) == uri


def test_a_retry_after_beginning_the_transaction_failed_still_commits():
    """pyramid_tm marks the environ ``tm.active`` before it begins the
    transaction; when beginning fails (RelStorage polling a stopped
    PostgreSQL), pyramid_retry's next attempt ran with no transaction: the
    view's write was never committed.  With the mark removed before each
    retry (stockage.sans_transaction_fantome), the retry commits."""
    import transaction
    import webtest
    from pyramid.config import Configurator
    from pyramid.response import Response
    from pyramid_retry import IBeforeRetry
    from transaction.interfaces import TransientError
    from ZODB import DB

    from portail_famille.stockage import sans_transaction_fantome

    db = DB(None)

    class PanneAuDebut:
        """The first transaction begun fails, as a poll of a stopped server."""

        pannes = 1

        def newTransaction(self, txn):
            if self.pannes:
                self.pannes -= 1
                raise TransientError("the database restarts")

        def beforeCompletion(self, txn):
            pass

        def afterCompletion(self, txn):
            pass

    def ecrire(request):
        connection = db.open(transaction_manager=request.tm)

        def fermer(request):  # as pyramid_zodbconn does
            request.tm.abort()
            connection.close()

        request.add_finished_callback(fermer)
        connection.root()["ecrit"] = True
        return Response("écrit")

    def application(avec_correction):
        config = Configurator(settings={"retry.attempts": "3"})
        config.include("pyramid_tm")
        config.include("pyramid_retry")
        if avec_correction:
            config.add_subscriber(sans_transaction_fantome, IBeforeRetry)
        config.add_route("ecrire", "/")
        config.add_view(ecrire, route_name="ecrire")
        return webtest.TestApp(config.make_wsgi_app())

    def ecrit():
        connection = db.open()
        try:
            return connection.root().pop("ecrit", False)
        finally:
            transaction.commit()
            connection.close()

    panne = PanneAuDebut()
    transaction.manager.registerSynch(panne)
    try:
        assert application(avec_correction=False).get("/").text == "écrit"
        assert ecrit() is False  # answered, never committed
        panne.pannes = 1
        assert application(avec_correction=True).get("/").text == "écrit"
        assert ecrit() is True
    finally:
        transaction.manager.unregisterSynch(panne)
        db.close()


def test_the_application_opens_its_database_with_the_settings_caches(tmp_path):
    from portail_famille import main

    from ..conftest import settings_for

    settings = settings_for(
        tmp_path,
        **{
            "portail.zodb.cache_size": "1234",
            "portail.zodb.cache_size_bytes": "3MB",
            "portail.zodb.pool_size": "5",
        },
    )
    wsgi = main({}, **settings)
    db = wsgi.registry._zodb_databases[""]
    try:
        assert db.getCacheSize() == 1234
        assert db.getCacheSizeBytes() == 3 * 2**20
        assert db.getPoolSize() == 5
    finally:
        db.close()


def test_a_system_error_caused_by_a_disconnection_is_one():
    """psycopg2's C code raises SystemError when PostgreSQL stops during a
    COPY; its cause says it is the database going away."""
    import psycopg2
    from pyramid_retry import IRetryableError

    from portail_famille.stockage import (
        IBaseInjoignable,
        marquer_deconnexions,
        marquer_si_deconnexion,
    )

    marquer_deconnexions()

    def echoue(cause):
        try:
            try:
                raise cause
            except Exception as exc:
                raise SystemError("decode returned a result with an exception set") from exc
        except SystemError as exc:
            return exc

    coupure = echoue(psycopg2.OperationalError("terminating connection"))
    assert marquer_si_deconnexion(coupure)
    assert IBaseInjoignable.providedBy(coupure) and IRetryableError.providedBy(coupure)
    autre = echoue(ValueError("a bug"))
    assert not marquer_si_deconnexion(autre)
    assert not IRetryableError.providedBy(autre)


def test_an_error_raised_while_handling_a_disconnection_is_one_at_any_depth():
    """RelStorage reconnecting after PostgreSQL went away may fail again in
    another way (an AttributeError on its closed cursor, a KeyError of its
    cache...): raised while handling the lost connection, it is one too."""
    import psycopg2
    from pyramid_retry import IRetryableError

    from portail_famille.stockage import marquer_deconnexions, marquer_si_deconnexion

    marquer_deconnexions()
    try:
        try:
            try:
                raise psycopg2.InterfaceError("connection already closed")
            except psycopg2.InterfaceError:
                raise KeyError("oid") from None  # noqa: B904 (no cause: a context)
        except KeyError as exc:
            raise AttributeError("'NoneType' object has no attribute 'cursor'") from exc
    except AttributeError as exc:
        profonde = exc
    assert profonde.__context__.__cause__ is None  # the second link is the context
    assert marquer_si_deconnexion(profonde)
    assert IRetryableError.providedBy(profonde)


def test_psycopg2s_bare_database_error_is_a_disconnection_not_its_subclasses():
    """psycopg2 raises its base DatabaseError when the server vanished
    between a query and its result; an integrity or programming error is a
    real error, answered 500 and logged."""
    import psycopg2

    from portail_famille.stockage import marquer_si_deconnexion

    assert marquer_si_deconnexion(
        psycopg2.DatabaseError("error with status PGRES_TUPLES_OK and no message from the libpq")
    )
    assert not marquer_si_deconnexion(psycopg2.IntegrityError("duplicate key"))
    assert not marquer_si_deconnexion(psycopg2.ProgrammingError("syntax error"))
    assert not marquer_si_deconnexion(ValueError("a bug"))
