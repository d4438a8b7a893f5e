"""Nobody can lock an owner out: throttling over every form that checks a
password or mails an address (the login, the padlock's current password,
the forgotten password form; the SDI's password change in
test_comptes_sdi), with device cookies (OWASP)."""

import time

import pytest
import webtest

from portail_famille.comptes import appareil, throttle
from portail_famille.demo import COMPTES

from ..conftest import DUPONT_URL, csrf, login, mails, make_app, with_root

JEAN = ("jean.dupont", COMPTES["jean.dupont"][0])
EDITEUR = ("editeur", COMPTES["editeur"][0])
WRONG = "Mauvais-mot-2"


@pytest.fixture
def clock(monkeypatch):
    """A wall clock that stands still but for ``clock.advance(seconds)``:
    the delays do not depend on how fast the machine runs the test."""
    start = time.time()

    class Clock:
        now = start

        def advance(self, seconds):
            self.now += seconds

    found = Clock()
    monkeypatch.setattr(time, "time", lambda: found.now)
    return found


def client(app, address="192.0.2.10"):
    return webtest.TestApp(
        app.app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": address}
    )


def usual_browser(app, account, address="192.0.2.10"):
    """A browser in which ``account`` logged in (then out): it holds the
    account's device cookie."""
    browser = client(app, address)
    login(browser, *account)
    logout(browser)
    assert appareil.COOKIE in browser.cookies
    return browser


def logout(browser):
    page = browser.get("/mot-de-passe")
    browser.post("/deconnexion", {"csrf_token": csrf(page)}, status=302)
    assert "pf_auth" not in browser.cookies


def counts(app):
    """{key: number of failures} of the throttle, today and yesterday."""

    def read(root, registry):
        found = {}
        for tree in throttle.throttle(root).periods.values():
            for key, times in tree.items():
                found[key] = found.get(key, 0) + len(times)
        return found

    return with_root(app.app, read)


def refused(response, what="Trop de tentatives de connexion"):
    assert response.status_int == 429
    assert what + " : réessayez dans " in response.text
    assert int(response.headers["Retry-After"]) > 0
    return response


def test_1000_wrong_tries_from_100_addresses_then_the_owner_logs_in_at_once(app, clock):
    owner = usual_browser(app, EDITEUR)
    answers = {200: 0, 429: 0}
    attackers = [client(app, "203.0.113.%d" % a) for a in range(100)]
    tokens = [csrf(attacker.get("/connexion")) for attacker in attackers]
    for n in range(1000):
        attacker, token = attackers[n % 100], tokens[n % 100]
        clock.advance(1)  # one try a second, from each address in turn
        response = attacker.post(
            "/connexion",
            {"login": "editeur", "password": WRONG, "csrf_token": token},
            status="*",
        )
        answers[response.status_int] += 1
        if response.status_int == 429:
            refused(response)
        else:
            assert "Identifiant ou mot de passe incorrect." in response.text
    # Answered at once ("try again in..."), without checking a password:
    # 5 free tries, then one after 1 s, 2 s, 4 s... 512 s.
    assert answers == {200: 14, 429: 986}, answers
    # The owner, from her usual browser, at once.
    response = login(owner, *EDITEUR)
    assert response.location == "http://localhost/manage/@@tableau"  # staff land on the dashboard
    assert owner.get("/manage/documents/@@contents").status_int == 200
    # An unknown browser waits, even with the right password: no session.
    stranger = client(app, "198.51.100.1")
    refused(login(stranger, *EDITEUR, status=429))
    assert "pf_auth" not in stranger.cookies
    # What the throttle committed: the account's count stays small (refused
    # tries are not counted), the owner's device has none.
    found = counts(app)
    assert answers[200] == found["compte:editeur"] <= throttle.rules({}).compte.kept()
    assert not [key for key in found if key.startswith("appareil:")]


def test_an_unknown_browser_is_slowed_down_never_locked(app, clock):
    stranger = client(app, "198.51.100.2")
    for _ in range(5):
        login(stranger, JEAN[0], WRONG, status=200)
    page = refused(login(stranger, *JEAN, status=429))
    assert "réessayez dans 1 seconde(s)." in page.text
    clock.advance(2)
    assert login(stranger, *JEAN).location.endswith(DUPONT_URL)
    # That browser is now jean's: it holds his device cookie.
    assert appareil.COOKIE in stranger.cookies


def test_failures_in_one_browser_make_only_that_browser_wait(app):
    mine = usual_browser(app, JEAN, "192.0.2.20")
    other = usual_browser(app, JEAN, "192.0.2.21")
    for _ in range(10):
        login(mine, JEAN[0], WRONG, status=200)
    refused(login(mine, *JEAN, status=429))
    # Her other browser, and browsers she never used, are not concerned.
    assert login(other, *JEAN).location.endswith(DUPONT_URL)
    assert login(client(app, "192.0.2.22"), *JEAN).location.endswith(DUPONT_URL)
    assert counts(app).get("compte:jean.dupont") is None


def test_a_device_cookie_counts_for_its_account_only_and_must_be_signed(app, clock):
    agent_browser = usual_browser(app, ("agent", COMPTES["agent"][0]), "192.0.2.30")
    for _ in range(5):
        login(client(app, "203.0.113.200"), "editeur", WRONG, status=200)
    # agent's device cookie does not make the browser editeur's.
    refused(login(agent_browser, *EDITEUR, status=429))
    # Nor does a cookie altered by hand.
    forged = client(app, "192.0.2.31")
    value = agent_browser.cookies[appareil.COOKIE]
    forged.set_cookie(appareil.COOKIE, value[:-4] + ("AAAA" if value[-4:] != "AAAA" else "BBBB"))
    refused(login(forged, *EDITEUR, status=429))


def test_an_address_counts_per_account_with_a_higher_ceiling_alone(tmp_path):
    app = make_app(tmp_path, **{"portail.connexion.par_adresse": "15"})
    nat = "198.51.100.50"
    agent = ("agent", COMPTES["agent"][0])
    usual = usual_browser(app, agent, nat)
    for n in range(10):
        login(client(app, nat), "inconnu-%d" % n, WRONG, status=200)
    # Ten failures behind a town hall's NAT, on other accounts: agent goes in.
    assert login(client(app, nat), *agent).status_int == 302
    for n in range(10, 15):
        login(client(app, nat), "inconnu-%d" % n, WRONG, status=200)
    # The address's ceiling: unknown browsers behind it wait...
    refused(login(client(app, nat), *agent, status=429))
    # ...not elsewhere, and not a browser the account knows.
    assert login(client(app, "192.0.2.40"), *agent).status_int == 302
    assert login(usual, *agent).status_int == 302


def padlock(browser, current, status):
    page = browser.get("/mot-de-passe")
    new = "Caramel-Mou2026"
    return browser.post(
        "/mot-de-passe",
        {"current": current, "new": new, "confirm": new, "csrf_token": csrf(page)},
        status=status,
    )


def test_padlock_failures_count_against_the_browser_as_logins(app):
    browser = client(app, "192.0.2.60")
    login(browser, *JEAN)
    for _ in range(10):
        page = padlock(browser, WRONG, status=200)
        assert "Mot de passe actuel incorrect." in page.text
    refused(padlock(browser, JEAN[1], status=429), "Trop de tentatives")
    # The password did not change; that browser's login waits too...
    logout(browser)
    refused(login(browser, *JEAN, status=429))
    # ...not jean's other browsers.
    assert login(client(app, "192.0.2.61"), *JEAN).location.endswith(DUPONT_URL)


def forgot(browser, login_name, status=200):
    page = browser.get("/mot-de-passe-oublie")
    return browser.post(
        "/mot-de-passe-oublie",
        {"login": login_name, "csrf_token": csrf(page)},
        status=status,
    )


def test_reset_requests_from_elsewhere_never_stop_the_owner_s_browser(app):
    usual = usual_browser(app, JEAN, "192.0.2.70")
    for n in range(10):
        response = forgot(client(app, "203.0.113.%d" % n), JEAN[0], status="*")
        if n >= 3:
            refused(response, "Trop de demandes")
    # Three mails an hour at most for requests from elsewhere.
    assert len(mails(app)) == 3
    # The owner's browser asks: the mail goes.
    assert "Si cet identifiant correspond à un compte" in forgot(usual, JEAN[0]).text
    sent = mails(app)
    assert len(sent) == 4 and "To: jean.dupont@wanadoo.fr" in sent[-1]


def test_reset_requests_are_limited_per_address(app):
    browser = client(app, "198.51.100.80")
    for n in range(20):
        forgot(browser, "inconnu-%d" % n)
    refused(forgot(browser, JEAN[0], status=429), "Trop de demandes")
    assert mails(app) == []
    # Another address may ask.
    forgot(client(app, "198.51.100.81"), JEAN[0])
    assert len(mails(app)) == 1


def test_a_reset_by_mail_makes_the_browser_the_owner_s(app, clock):
    stranger = client(app, "198.51.100.90")
    for _ in range(5):
        login(client(app, "203.0.113.90"), JEAN[0], WRONG, status=200)
    refused(login(stranger, *JEAN, status=429))
    forgot(stranger, JEAN[0])
    link = [line for line in mails(app)[-1].splitlines() if "/reinitialiser?jeton=" in line][0]
    page = stranger.get(link.strip())
    new = "Guimauve-Rose77"
    done = stranger.post(
        "/reinitialiser",
        {"jeton": page.form["jeton"].value, "new": new, "confirm": new, "csrf_token": csrf(page)},
        status=302,
    )
    assert appareil.COOKIE in stranger.cookies, done.headers
    assert login(stranger, JEAN[0], new).location.endswith(DUPONT_URL)


def test_the_sdi_login_form_does_not_log_in(app):
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
