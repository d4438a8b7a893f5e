"""Reset links on an advanced clock: they expire (setting), die when the
password changes in any way, are used once, and using one ends every
session of the account."""

import re

import webtest
from substanced.util import find_service

from portail_famille.comptes import reset
from portail_famille.demo import COMPTES

from ..conftest import ADMIN, DUPONT_URL, csrf, login, mails, make_app, with_root
from .test_sessions import clock  # noqa: F401

JEAN = ("jean.dupont", COMPTES["jean.dupont"][0])
DEAD = "Ce lien n'est plus valable"


def new_client(app):
    return webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})


def request_link(app):
    browser = new_client(app)
    page = browser.get("/mot-de-passe-oublie")
    browser.post("/mot-de-passe-oublie", {"login": JEAN[0], "csrf_token": csrf(page)})
    match = re.search(r"http://localhost/reinitialiser\?jeton=[A-Za-z0-9_\-]+", mails(app)[-1])
    return match.group(0)


def use_link(app, link, new, status=302):
    """POST a new password with the link's token (even when the link's page
    shows no form any more)."""
    browser = new_client(app)
    token = link.split("jeton=", 1)[1]
    return browser.post(
        "/reinitialiser",
        {"jeton": token, "new": new, "confirm": new, "csrf_token": csrf(browser.get("/connexion"))},
        status=status,
    )


def works(app, link):
    return 'name="new"' in new_client(app).get(link).text


def test_a_link_lives_one_hour_by_default(app, clock):  # noqa: F811
    link = request_link(app)
    clock.advance(reset.LIFETIME - 60)
    assert works(app, link)
    clock.advance(61)
    page = new_client(app).get(link)
    assert DEAD in page.text and 'name="new"' not in page.text
    use_link(app, link, "Guimauve-Rose77", status=200)
    assert login(new_client(app), *JEAN).location.endswith(DUPONT_URL)


def test_the_lifetime_is_a_setting(tmp_path, clock):  # noqa: F811
    app = make_app(tmp_path, **{"portail.reset_lifetime": "600"})
    link = request_link(app)
    clock.advance(590)
    assert works(app, link)
    clock.advance(11)
    assert not works(app, link)


def test_a_link_dies_when_another_link_changes_the_password(app):
    first, second = request_link(app), request_link(app)
    assert first != second
    use_link(app, second, "Guimauve-Rose77")
    assert not works(app, first) and not works(app, second)
    use_link(app, first, "Reglisse-Noire88", status=200)
    assert login(new_client(app), JEAN[0], "Guimauve-Rose77").location.endswith(DUPONT_URL)


def test_a_link_dies_when_staff_change_the_password(app):
    link = request_link(app)
    admin = new_client(app)
    login(admin, *ADMIN)
    form = admin.get("/manage/principals/users/jean.dupont/@@change_password").forms["deform"]
    form["current"] = ADMIN[1]
    form["password"] = form["password-confirm"] = "Guimauve-Rose77"
    form.submit("changer")
    assert not works(app, link)


def test_using_a_link_ends_every_session_of_the_account(app):
    browsers = [new_client(app), new_client(app)]
    for browser in browsers:
        login(browser, *JEAN)
    use_link(app, request_link(app), "Guimauve-Rose77")
    for browser in browsers:
        assert browser.get(DUPONT_URL).location.startswith("http://localhost/connexion")

    def stored(root, registry):
        user = find_service(root, "principals", "users")[JEAN[0]]
        return len(user._portail_sessions), len(reset._store(root))

    assert with_root(app.app, stored) == (0, 0)
