"""Throttling over every form that checks a password or mails an address:
the login (test_comptes), the forgotten password form (per address and per
account), the padlock's current password (shared with the login's count),
the SDI's login (the portal's) and its password change
(test_comptes_sdi)."""

import webtest

from portail_famille.comptes import throttle
from portail_famille.demo import COMPTES

from ..conftest import DUPONT_URL, csrf, login, mails

JEAN = ("jean.dupont", COMPTES["jean.dupont"][0])


def client(app, address="192.0.2.10"):
    return webtest.TestApp(
        app.app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": address}
    )


def forgot(browser, login_name, status=200):
    page = browser.get("/mot-de-passe-oublie")
    return browser.post(
        "/mot-de-passe-oublie",
        {"login": login_name, "csrf_token": csrf(page)},
        status=status,
    )


def test_forgotten_password_is_throttled_per_address(app):
    browser = client(app)
    for i in range(throttle.LIMIT):
        forgot(browser, "inconnu-%d" % i)
    refused = forgot(browser, JEAN[0], status=429)
    assert "Trop de demandes" in refused.text
    assert mails(app) == []  # none for jean
    # Another address may ask.
    forgot(client(app, "192.0.2.11"), JEAN[0])
    assert len(mails(app)) == 1


def test_forgotten_password_is_throttled_per_account(app):
    for i in range(throttle.LIMIT):
        forgot(client(app, "198.51.100.%d" % i), JEAN[0])
    assert len(mails(app)) == throttle.LIMIT
    refused = forgot(client(app, "198.51.100.200"), JEAN[0], status=429)
    assert "Trop de demandes" in refused.text
    assert len(mails(app)) == throttle.LIMIT
    # Other accounts are not concerned.
    forgot(client(app, "198.51.100.201"), "agent")
    assert len(mails(app)) == throttle.LIMIT + 1


def padlock(browser, current, status):
    page = browser.get("/mot-de-passe")
    new = "Caramel-Mou2026"
    return browser.post(
        "/mot-de-passe",
        {"current": current, "new": new, "confirm": new, "csrf_token": csrf(page)},
        status=status,
    )


def test_padlock_current_password_is_throttled_with_the_login(app):
    browser = client(app)
    login(browser, *JEAN)
    for _ in range(throttle.LIMIT):
        page = padlock(browser, "Mauvais-mot-2", status=200)
        assert "Mot de passe actuel incorrect." in page.text
    refused = padlock(browser, JEAN[1], status=429)
    assert "Trop de tentatives" in refused.text
    # The password did not change; the login of the account waits too,
    # from any address.
    login(client(app, "203.0.113.5"), *JEAN, status=429)
    login(client(app, "203.0.113.6"), "jean.dupont", "Caramel-Mou2026", status=429)


def test_sdi_login_form_does_not_log_in(app):
    browser = client(app)
    token = csrf(browser.get("/connexion"))
    response = browser.post(
        "/manage/@@login",
        {"login": JEAN[0], "password": JEAN[1], "csrf_token": token, "form.submitted": "1"},
    )
    assert response.status_int == 302
    assert "/connexion" in response.location
    assert "pf_auth" not in browser.cookies
    assert browser.get(DUPONT_URL).location.startswith("http://localhost/connexion")
