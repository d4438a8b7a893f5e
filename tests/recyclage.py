"""The application of the ``app`` fixture, configured once per test process
and plugged into each test's own copy of the demo database.

Configuring the application (Pyramid's scans, about 300 views, SubstanceD's
content types) costs a third of a second of CPU, and a few hundred tests
ask for a fresh one: a minute of the suite.  What the configuration makes
depends only on the settings; what a test changes lives in its database,
its mail directory and its settings.  So the ``app`` fixture keeps the last
application it made, and when the next test asks for the same settings
(but the paths of its own files), it gets that application after:

- its database closed, and the test's own copy of the demo opened in its
  place (as ``pyramid_zodbconn`` opens it at start);
- its settings put back as ``main()`` left them, with the test's paths (a
  test may have changed a setting of the previous application);
- its mailer made again on the test's mail directory (``courriels``);
- ``ApplicationCreated`` notified again: SubstanceD's start (catalogs
  synchronised, evolve steps) runs on the new database, as at a start.

Anything else (other settings, an application behind the overload limit)
gets a new application from ``main()``, as ``make_app`` makes.
"""

import types

import transaction
import webtest
from pyramid.events import ApplicationCreated
from pyramid.router import Router
from pyramid_zodbconn import db_from_uri, get_uris
from ZODB.ActivityMonitor import ActivityMonitor

from portail_famille import courriels, main
from portail_famille.stockage import preparer, uri_avec_caches

from . import base_demo

# The last application made: [key, router, settings as main() left them,
# whether a test still uses it].
_derniere = None


def application(settings, construire):
    """A TestApp on the demo database copied to ``settings``' paths, its
    application recycled when the last one had the same settings and its test
    gave it back (``rendre``); a test asking twice gets two applications."""
    global _derniere
    key = tuple(sorted((k, str(v)) for k, v in settings.items() if k not in base_demo.CHEMINS))
    base_demo.installer(settings, construire)
    if _derniere is not None and _derniere[3] and _derniere[0] == key:
        wsgi = _derniere[1]
        rebrancher(wsgi, _derniere[2], settings)
        _derniere[3] = False
    else:
        wsgi = main({}, **settings)
        if _derniere is None or _derniere[3]:
            if _derniere is not None:
                fermer(_derniere[1])
            _derniere = None
            if isinstance(wsgi, Router):
                _derniere = [key, wsgi, dict(wsgi.registry.settings), False]
    app = webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"})
    app.get("/")
    return app


def rendre(app):
    """The test that got ``app`` is over: its application may be recycled."""
    if _derniere is not None and _derniere[1] is app.app:
        _derniere[3] = True


def fermer(wsgi):
    """Close the databases of ``wsgi`` (the previous test is over)."""
    transaction.abort()
    bases = getattr(wsgi.registry, "_zodb_databases", {})
    for db in bases.values():
        db.close()
    bases.clear()


def rebrancher(wsgi, reglages, settings):
    """``wsgi`` as main() would have made it on ``settings``' paths."""
    fermer(wsgi)
    registry = wsgi.registry
    nouveaux = dict(reglages)
    nouveaux["zodbconn.uri"] = uri_avec_caches(settings["zodbconn.uri"], settings)
    for cle in base_demo.CHEMINS:
        if cle != "zodbconn.uri":
            nouveaux[cle] = settings[cle]
    registry.settings.clear()
    registry.settings.update(nouveaux)
    preparer(nouveaux["zodbconn.uri"])
    bases = registry._zodb_databases
    for name, uri in get_uris(registry.settings):
        db_from_uri(uri, name, bases).setActivityMonitor(ActivityMonitor())
    courriels.includeme(types.SimpleNamespace(registry=registry))
    registry.notify(ApplicationCreated(wsgi))
