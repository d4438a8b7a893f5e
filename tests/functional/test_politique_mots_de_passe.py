"""One password policy, read from the settings, everywhere a password is
set: the first-login change, a reset link, the SDI's "add user" and
"Mot de passe" tab, a parent's activation link, the demo accounts and
the first administrator.  Here with production's 12 characters: ``abc`` is
refused with the French reason beside the field, and nothing is made."""

import os
import re
import subprocess
import sys

import pytest
import webtest
import ZODB
from substanced.util import find_service
from ZODB.FileStorage import FileStorage

from portail_famille import demo
from portail_famille.stockage import initialiser

from ..conftest import ADMIN, MARTIN_URL, csrf, login, mails, make_app, with_root

JEAN = ("jean.dupont", demo.COMPTES["jean.dupont"][0])
TWELVE = "au moins 12 caractères"
ELEVEN = "Kx7vTq2mPz1"  # good but for its length


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("politique"), **{"portail.password_min_length": "12"})


def browser(app):
    return webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})


def as_role(app, name):
    found = browser(app)
    password = ADMIN[1] if name == "admin" else demo.COMPTES[name][0]
    login(found, name, password)
    return found


def account(app, login_name, *names):
    """Whether ``login_name`` exists, and its attributes ``names``."""

    def read(root, registry):
        user = find_service(root, "principals", "users").get(login_name)
        if user is None:
            return None
        return [getattr(user, name, None) for name in names]

    return with_root(app.app, read)


def password_is(app, login_name, password):
    def read(root, registry):
        return find_service(root, "principals", "users")[login_name].check_password(password)

    return with_root(app.app, read)


def beside_the_field(page, name, text):
    """``text`` is in the error deform shows under the input ``name``."""
    field = re.search(r'<input[^>]*name="%s"[^>]*id="([^"]+)"' % name, page.text)
    assert field, page.text
    error = re.search(
        r'<p class="help-block" id="error-%s">([^<]*)</p>' % field.group(1), page.text
    )
    assert error and text in error.group(1), page.text


def beside_the_portal_field(page, name, text):
    """``text`` is in the errors the portal's form shows under ``name``."""
    errors = re.search(r'<div id="%s-erreur">(.*?)</div>' % name, page.text, re.S)
    assert errors and text in errors.group(1), page.text


def test_first_login_change(app):
    marie = browser(app)
    login(marie, "marie.martin", demo.COMPTES["marie.martin"][0])
    for new, reason in (("abc", TWELVE), (ELEVEN, TWELVE)):
        page = marie.get("/mot-de-passe")
        assert "12 caractères minimum" in page.text
        refused = marie.post(
            "/mot-de-passe",
            {
                "current": demo.COMPTES["marie.martin"][0],
                "new": new,
                "confirm": new,
                "csrf_token": csrf(page),
            },
            status=200,
        )
        beside_the_portal_field(refused, "new", reason)
    assert password_is(app, "marie.martin", demo.COMPTES["marie.martin"][0])
    assert account(app, "marie.martin", "must_change_password") == [True]
    assert marie.get(MARTIN_URL).location.endswith("/mot-de-passe")


def test_reset_link(app):
    asking = browser(app)
    page = asking.get("/mot-de-passe-oublie")
    asking.post("/mot-de-passe-oublie", {"login": JEAN[0], "csrf_token": csrf(page)})
    link = re.search(r"http://localhost/reinitialiser\?jeton=[\w\-]+", mails(app)[-1]).group(0)
    person = browser(app)
    for new in ("abc", ELEVEN):
        form = person.get(link)
        refused = person.post(
            "/reinitialiser",
            {
                "jeton": form.form["jeton"].value,
                "new": new,
                "confirm": new,
                "csrf_token": csrf(form),
            },
            status=200,
        )
        beside_the_portal_field(refused, "new", TWELVE)
    assert password_is(app, JEAN[0], JEAN[1])


def _add_user(admin, name, password):
    form = admin.get("/manage/principals/users/@@add_user").forms["deform"]
    form["name"] = name
    form["email"] = "nouvel.agent@mairie-biviers.fr"
    form["tzname"] = "Europe/Paris"
    form["password"] = password
    form["password-confirm"] = password
    return form.submit("add", status="*")


def test_sdi_add_user(app):
    admin = as_role(app, "admin")
    for password, reason in (
        ("abc", TWELVE),
        (ELEVEN, TWELVE),
        ("Nouvel.Agent-2026", "ne doit pas contenir votre identifiant"),
    ):
        refused = _add_user(admin, "nouvel.agent", password)
        assert refused.status_int == 200
        beside_the_field(refused, "password", reason)
        assert account(app, "nouvel.agent") is None
    done = _add_user(admin, "nouvel.agent", "Bienvenue-Biviers1")
    assert done.status_int == 302
    # Chosen by the administrator: a temporary password.
    assert account(app, "nouvel.agent", "must_change_password") == [True]
    assert password_is(app, "nouvel.agent", "Bienvenue-Biviers1")


def test_sdi_password_tab(app):
    admin = as_role(app, "admin")
    url = "/manage/principals/users/jean.dupont/@@change_password"
    for password in ("abc", ELEVEN):
        form = admin.get(url).forms["deform"]
        form["current"] = ADMIN[1]
        form["password"] = password
        form["password-confirm"] = password
        refused = form.submit("changer", status=200)
        beside_the_field(refused, "password", TWELVE)
    assert password_is(app, JEAN[0], JEAN[1])


def test_the_activation_link(app):
    """The agents' "Comptes parents" makes no password: the parent's
    activation link asks for one, under the same policy."""
    agent = as_role(app, "agent")
    url = MARTIN_URL.replace("/familles/", "/manage/familles/") + "@@comptes"
    form = agent.get(url).forms["deform"]
    form["login"] = "paul.martin"
    form["email"] = "paul.martin@example.org"
    assert "password" not in form.fields
    assert form.submit("creer").status_int == 302
    assert account(app, "paul.martin", "password") == [None]
    link = re.search(r"http://localhost/activer\?jeton=\S+", mails(app)[-1]).group(0)
    parent = browser(app)
    for password, reason in (
        ("abc", TWELVE),
        (ELEVEN, TWELVE),
        ("Paul.Martin-2026", "ne doit pas contenir votre identifiant"),
    ):
        page = parent.get(link)
        assert "12 caractères minimum" in page.text
        token = link.split("jeton=", 1)[1]
        refused = parent.post(
            "/activer",
            {"jeton": token, "new": password, "confirm": password, "csrf_token": csrf(page)},
            status=200,
        )
        beside_the_portal_field(refused, "new", reason)
        assert account(app, "paul.martin", "password") == [None]


def test_the_demo_accounts_obey_the_policy(app, monkeypatch):
    monkeypatch.setitem(demo.COMPTES, "faible", ("abc", "f@example.org", "agents", False))
    with pytest.raises(ValueError, match="faible"):
        with_root(app.app, demo.load)
    assert account(app, "faible") is None


def test_the_first_administrator_obeys_the_policy(tmp_path):
    ini = tmp_path / "portail.ini"
    ini.write_text(
        "[app:main]\n"
        "use = call:portail_famille:main\n"
        "zodbconn.uri = file://%s/Data.fs\n"
        "substanced.secret = test-secret\n"
        "portail.url = https://portail.mairie.example\n"
        "substanced.initial_login = admin\n"
        "substanced.initial_password = Admin2026\n"
        "portail.password_min_length = 12\n" % tmp_path
    )
    # The init command (its own process: it exits on the error).
    command = "from portail_famille.stockage import initialiser_main as m; m(['init', %r])"
    done = subprocess.run(
        [sys.executable, "-c", command % str(ini)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=False,
    )
    assert done.returncode != 0
    assert "does not follow the password policy" in done.stderr, done.stderr
    assert "au moins 12 caractères" in done.stderr
    # No database was made.
    db = ZODB.DB(FileStorage(str(tmp_path / "Data.fs"), read_only=True))
    try:
        with db.transaction() as connection:
            assert "app_root" not in connection.root()
    finally:
        db.close()
    ini.write_text(ini.read_text().replace("Admin2026", "Mairie-Biviers-2026"))
    out = []
    initialiser(str(ini), sortie=out.append)
    assert out[-1].startswith("Database ready")
