"""Fixtures: the application with the demo data, on a FileStorage with
blobs in the test's temporary directory, and one logged-in TestApp per role
(parent DUPONT, parent MARTIN, agent, régisseur, éditeur, admin)."""

import contextlib
import email
import email.policy
import os
import re
import tempfile

import pytest
import transaction
import webtest

from portail_famille import correctifs, main, mots_de_passe
from portail_famille.demo import COMPTES, DUPONT, MARTIN, load
from portail_famille.util import close_databases

from . import base_demo, gabarits, recyclage

gabarits.installer()

# The tests' passwords are hashed with Argon2id at its cheapest parameters
# (one pass over 8 KiB): production's (OWASP's 19 MiB, 2 passes) cost
# 28 ms of CPU per account made and per login, and a login checks a hash
# at the parameters it names.  tests/unit/test_mots_de_passe.py keeps
# production's parameters in sight.  Set for the process at once, so that
# accounts made outside an application are cheap too.
HACHAGE = {
    "portail.argon2_temps": "1",
    "portail.argon2_memoire": "8",
    "portail.argon2_parallelisme": "1",
}
correctifs.installer()
mots_de_passe.configurer(HACHAGE)

ADMIN = ("admin", "Mairie2015pf")
DUPONT_URL = "/familles/%s/" % DUPONT["numero"]
MARTIN_URL = "/familles/%s/" % MARTIN["numero"]


def settings_for(tmp_path, **extra):
    # A FileStorage with blobs (uploaded files are blobs; memory:// has
    # none), in its own directory: one test may make several applications.
    os.makedirs(tmp_path, exist_ok=True)
    base = tempfile.mkdtemp(dir=tmp_path, prefix="zodb-")
    settings = {
        "zodbconn.uri": "file://%s/Data.fs?blobstorage_dir=%s/blobs" % (base, base),
        "tm.annotate_user": "false",
        "substanced.secret": "test-secret",
        "substanced.initial_login": ADMIN[0],
        "substanced.initial_password": ADMIN[1],
        "substanced.initial_email": "admin@example.org",
        "substanced.autosync_catalogs": "true",
        "substanced.statsd.enabled": "false",
        "pyramid.includes": "pyramid_tm",
        "portail.mail_directory": str(tmp_path / "mail"),
        "portail.site_commune": "https://www.mairie-biviers.fr",
        # The address the tests' requests use (Host localhost).
        "portail.url": "http://localhost",
        "portail.demo": "true",
        **HACHAGE,
    }
    settings.update(extra)
    return settings


def make_app(tmp_path, **extra):
    """A fresh application, its root created, the demo data loaded: on a
    copy of the demo database built once (tests/base_demo.py)."""
    settings = settings_for(tmp_path, **extra)
    base_demo.installer(settings, construire_demo)
    wsgi = main({}, **settings)
    app = webtest.TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"})
    app.get("/")
    return app


def construire_demo(settings):
    """A new database at ``settings``' zodbconn.uri: the root (made by the
    application's start), the demo data; closed."""
    wsgi = main({}, **settings)
    try:
        with_root(wsgi, load)
    finally:
        close_databases(wsgi.registry)


def with_root(wsgi, func):
    """Run ``func(root, registry)`` in a committed transaction."""
    from pyramid.scripting import prepare

    env = prepare(registry=wsgi.registry)
    try:
        result = func(env["root"], env["registry"])
        transaction.commit()
        return result
    except Exception:
        transaction.abort()
        raise
    finally:
        env["closer"]()


def csrf(response):
    match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(app, username, password, status=302):
    page = app.get("/connexion")
    return app.post(
        "/connexion",
        {"login": username, "password": password, "csrf_token": csrf(page)},
        status=status,
    )


def mails(app):
    """The mails sent (committed) so far, oldest first, as text: the headers
    then the decoded body."""
    directory = app.app.registry.settings["portail.mail_directory"]
    if not os.path.isdir(directory):
        return []
    found = []
    for name in sorted(
        os.listdir(directory), key=lambda n: os.path.getmtime(os.path.join(directory, n))
    ):
        with open(os.path.join(directory, name), "rb") as fp:
            message = email.message_from_binary_file(fp, policy=email.policy.default)
        headers = "".join("%s: %s\n" % item for item in message.items())
        found.append(headers + "\n" + message.get_body(("plain",)).get_content())
    return found


def pytest_collection_modifyitems(items):
    """The files marked ``lent`` (a minute or so each: the clusters, the
    SIGKILL rounds, the access sweep) first, the others after, each group
    in pytest-randomly's order.  ``make test`` hands whole files to two
    workers in this order (``--no-loadscope-reorder``: xdist would put the
    files of one test last): the short files, at the end, even out the
    workers' finish."""
    items[:] = sorted(items, key=lambda item: item.get_closest_marker("lent") is None)


@pytest.fixture(autouse=True)
def _hachage_des_tests():
    """Every test starts at the tests' hashing parameters: an application
    built from a town's .ini (the restore drill, the verifier, the init
    script run in process) sets production's for the process."""
    mots_de_passe.configurer(HACHAGE)
    yield


@pytest.fixture(scope="session", autouse=True)
def _base_demo(tmp_path_factory):
    """The demo databases copied by make_app, in the session's directory."""
    base_demo.ranger_dans(tmp_path_factory.mktemp("base-demo"))


@contextlib.contextmanager
def app_du_test(tmp_path, **extra):
    """What ``make_app`` gives, for the length of one test (a function
    fixture): its configuration is the last test's when that had the same
    settings (tests/recyclage.py), given back at the end."""
    app = recyclage.application(settings_for(tmp_path, **extra), construire_demo)
    try:
        yield app
    finally:
        recyclage.rendre(app)


@pytest.fixture
def app(tmp_path):
    """A fresh application for tests that change state."""
    with app_du_test(tmp_path) as app:
        yield app


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One application per module, for read-only tests."""
    return make_app(tmp_path_factory.mktemp("shared"))


def _role_app(shared, username, password):
    app = webtest.TestApp(shared.app, extra_environ={"HTTP_HOST": "localhost"})
    login(app, username, password)
    return app


@pytest.fixture(scope="module")
def anonymous(shared):
    return webtest.TestApp(shared.app, extra_environ={"HTTP_HOST": "localhost"})


@pytest.fixture(scope="module")
def dupont(shared):
    return _role_app(shared, "jean.dupont", COMPTES["jean.dupont"][0])


@pytest.fixture(scope="module")
def martin(tmp_path_factory, shared):
    return martin_logged_in(shared)


def martin_logged_in(shared):
    """MARTIN after the forced change of the temporary password."""
    app = _role_app(shared, "marie.martin", COMPTES["marie.martin"][0])
    page = app.get("/mot-de-passe")
    app.post(
        "/mot-de-passe",
        {
            "current": COMPTES["marie.martin"][0],
            "new": MARTIN_PASSWORD,
            "confirm": MARTIN_PASSWORD,
            "csrf_token": csrf(page),
        },
        status=302,
    )
    return app


MARTIN_PASSWORD = "Chloe-Biviers38"


@pytest.fixture(scope="module")
def agent(shared):
    return _role_app(shared, "agent", COMPTES["agent"][0])


@pytest.fixture(scope="module")
def regisseur(shared):
    return _role_app(shared, "regisseur", COMPTES["regisseur"][0])


@pytest.fixture(scope="module")
def editeur(shared):
    return _role_app(shared, "editeur", COMPTES["editeur"][0])


@pytest.fixture(scope="module")
def admin(shared):
    return _role_app(shared, *ADMIN)
