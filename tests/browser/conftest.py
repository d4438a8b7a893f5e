"""Browser tests: the real application served by waitress on a free port of
the loopback, driven by Debian's Chromium through Playwright's sync API.

One server per test module and per pytest(-xdist) worker, on a temporary
FileStorage with the demo data; one headless Chromium per worker.  Every
request that does not go to that server is aborted (or answered by a stub
page, for the town's site the logout redirects to): nothing leaves the
machine.
"""

import os
import re
from pathlib import Path

import pytest
import transaction

from ..serveur import Serveur as _Server

CHROMIUM = os.environ.get("PORTAIL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Milliseconds a Playwright action or expectation may take.
TIMEOUT = 10_000
# Where the logout sends the family (settings_for's portail.site_commune).
SITE_COMMUNE = "https://www.mairie-biviers.fr"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives the real application in headless Chromium (Playwright)"
    )


def _tests_conftest(config):
    """tests/conftest.py, as pytest loaded it (it is not a package)."""
    path = Path(__file__).resolve().parent.parent / "conftest.py"
    module = config.pluginmanager.get_plugin(str(path))
    assert module is not None, "tests/conftest.py is not loaded"
    return module


class Portail:
    """The running application: ``url(path)``, ``wsgi``."""

    def __init__(self, wsgi, server):
        self.wsgi = wsgi
        self.server = server
        self.port = int(server.effective_port)
        self.base = "http://localhost:%d" % self.port

    def url(self, path="/"):
        return self.base + path


def servir(request, base, **extra):
    """The application on a FileStorage in ``base`` with the demo data
    (settings_for's settings, then ``extra``), served on a free port of
    127.0.0.1 (reached as ``localhost`` for the cookies); yields a Portail."""
    from webob import Request

    from portail_famille import main

    from .. import base_demo

    helpers = _tests_conftest(request.config)
    uri = "file://%s?blobstorage_dir=%s" % (base / "Data.fs", base / "blobs")
    settings = helpers.settings_for(base, **{"zodbconn.uri": uri, **extra})
    # A copy of the demo database (tests/base_demo.py).
    base_demo.installer(settings, helpers.construire_demo)
    wsgi = main({}, **settings)
    assert Request.blank("/", base_url="http://localhost").get_response(wsgi).status_code == 200
    server = _Server(wsgi, host="127.0.0.1", port=0, threads=4)
    server.start()
    portail = Portail(wsgi, server)
    # The links the application makes (payment return...) lead to this server.
    wsgi.registry.settings["portail.url"] = portail.base
    try:
        yield portail
    finally:
        server.stop()
        transaction.abort()
        for db in getattr(wsgi.registry, "_zodb_databases", {}).values():
            db.close()


@pytest.fixture(scope="module")
def portail(request, tmp_path_factory):
    """The application with the demo data, served (``servir``)."""
    yield from servir(request, tmp_path_factory.mktemp("portail"))


@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as found:
        yield found


@pytest.fixture(scope="session")
def browser(playwright):
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            "no Chromium at %s (make system installs Debian's chromium; "
            "PORTAIL_CHROMIUM names another one)" % CHROMIUM
        )
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="session")
def appareil(playwright):
    """``appareil("Pixel 7")``: Playwright's own descriptor of that device
    (``playwright.devices``), for a context of our Chromium."""

    def descripteur(nom):
        options = dict(playwright.devices[nom])
        options.pop("default_browser_type", None)
        return options

    return descripteur


def _local_only(portail):
    """Route handler: the test server goes through, the town's site gets a
    stub page, everything else is aborted."""
    local = re.compile(r"^https?://(localhost|127\.0\.0\.1):%d(/|$)" % portail.port)

    def handle(route):
        url = route.request.url
        if local.match(url):
            route.continue_()
        elif url.startswith(SITE_COMMUNE):
            route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                body="<!DOCTYPE html><title>Mairie</title><p>Site de la commune (stub)</p>",
            )
        else:
            route.abort()

    return handle


@pytest.fixture
def new_page(browser, portail):
    """``new_page(**context_options)``: a page in a fresh context (no cookie),
    closed at the end of the test."""
    contexts = []

    def make(**options):
        options.setdefault("locale", "fr-FR")
        options.setdefault("service_workers", "block")
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT)
        context.set_default_navigation_timeout(TIMEOUT)
        context.route("**/*", _local_only(portail))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def log_in(portail):
    """``log_in(page, login, password)``: fills and sends the login form."""

    def do(page, login, password):
        page.goto(portail.url("/connexion"))
        page.get_by_label("Identifiant").fill(login)
        page.get_by_label("Mot de passe", exact=True).fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
        return page

    return do
