"""Sessions: the idle (30 min) and absolute (12 h) limits on an advanced
clock, the warning before the end and "Rester connecté", the session
cookies rotated at login (no fixation), every session of an account ended
on the server."""

import re
import time

import pytest
import webtest

from portail_famille.demo import COMPTES

from ..conftest import DUPONT_URL, csrf, login

JEAN = ("jean.dupont", COMPTES["jean.dupont"][0])
MINUTE = 60
HOUR = 3600


@pytest.fixture
def clock(monkeypatch):
    """The wall clock, moved forward by ``clock.advance(seconds)``: the auth
    ticket, the session cookie and the server-side sessions all read
    ``time.time`` (ZODB too: only ever forward)."""
    real = time.time

    class Clock:
        offset = 0.0

        def advance(self, seconds):
            self.offset += seconds

    found = Clock()
    monkeypatch.setattr(time, "time", lambda: real() + found.offset)
    return found


def new_client(app):
    return webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})


def logged_out(response):
    return response.status_int == 302 and response.location.startswith("http://localhost/connexion")


def last_transaction(app):
    db = app.app.registry._zodb_databases[""]
    return db.storage.lastTransaction()


def remaining(page):
    """The seconds the page says the session has left (the warning's data)."""
    match = re.search(r'id="fin-de-session"[^>]*data-reste="(\d+)"', page.text)
    assert match, "no session warning zone in the page"
    return int(match.group(1))


def test_idle_limit_is_30_minutes_of_inactivity(app, clock):
    login(app, *JEAN)
    for _ in range(4):  # two hours, active every 29 minutes
        clock.advance(29 * MINUTE)
        assert app.get(DUPONT_URL).status_int == 200
    clock.advance(31 * MINUTE)
    assert logged_out(app.get(DUPONT_URL))


def test_absolute_limit_is_12_hours_even_when_active(app, clock):
    login(app, *JEAN)
    for _ in range(int(11.9 * HOUR) // (20 * MINUTE)):
        clock.advance(20 * MINUTE)
        assert app.get(DUPONT_URL).status_int == 200
    clock.advance(12 * HOUR - int(11.9 * HOUR) // (20 * MINUTE) * 20 * MINUTE + MINUTE)
    assert logged_out(app.get(DUPONT_URL))
    # Logging in again opens a new session.
    assert login(app, *JEAN).location.endswith(DUPONT_URL)


def test_pages_carry_the_warning_and_the_time_left(app, clock):
    assert 'id="fin-de-session"' not in app.get("/connexion").text
    login(app, *JEAN)
    page = app.get(DUPONT_URL)
    zone = page.html.select_one("#fin-de-session")
    assert zone["role"] == "alert"
    assert zone["data-avertir"] == "180"
    assert zone["data-prolonger"] == "/prolonger-session"
    assert "Sans activité de votre part, votre session va bientôt se terminer." in zone.text
    assert zone.select_one(".fin-de-session-avertir button").text == "Rester connecté"
    assert zone.select_one(".fin-de-session-avertir").has_attr("hidden")
    assert "Votre session est terminée." in zone.text
    assert 29 * MINUTE < remaining(page) <= 30 * MINUTE
    assert zone.select_one("script")["src"].split("?")[0].endswith("/session.js")
    assert app.get(zone.select_one("script")["src"]).status_int == 200
    # Past the reissue time, a page starts a new idle period.
    clock.advance(10 * MINUTE)
    assert remaining(app.get(DUPONT_URL)) > 29 * MINUTE
    # Near the absolute limit, the time left is what remains of the 12 h.
    for _ in range(int(11.5 * HOUR) // (20 * MINUTE)):
        clock.advance(20 * MINUTE)
        app.get("/prolonger-session")
    left = remaining(app.get(DUPONT_URL))
    assert 0 < left < 30 * MINUTE


def test_rester_connecte_extends_the_session_without_writing(app, clock):
    assert new_client(app).get("/prolonger-session").json == {"connecte": False}
    login(app, *JEAN)
    clock.advance(28 * MINUTE)  # the page would now show its warning
    before = app.cookies["pf_auth"], app.cookies["pf_session"]
    tid = last_transaction(app)
    answer = app.get("/prolonger-session")
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.json["connecte"] is True
    assert 29 * MINUTE < answer.json["reste"] <= 30 * MINUTE
    # Both cookies were reissued, nothing was written in the database.
    assert app.cookies["pf_auth"] != before[0] and app.cookies["pf_session"] != before[1]
    assert last_transaction(app) == tid
    # 56 minutes after the last page, still logged in; the form tokens too.
    clock.advance(28 * MINUTE)
    home = app.get(DUPONT_URL)
    assert home.status_int == 200
    assert app.post("/deconnexion", {"csrf_token": csrf(home)}).status_int == 302
    assert app.get("/prolonger-session").json == {"connecte": False}


def test_without_rester_connecte_the_session_ends(app, clock):
    login(app, *JEAN)
    clock.advance(28 * MINUTE)
    clock.advance(3 * MINUTE)
    assert app.get("/prolonger-session").json == {"connecte": False}
    assert logged_out(app.get(DUPONT_URL))


def test_login_rotates_both_cookies_and_a_planted_session_does_not_survive(app):
    # An attacker gets a session cookie (and its CSRF token) from the site...
    attacker = new_client(app)
    planted_page = attacker.get("/connexion")
    planted = attacker.cookies["pf_session"]
    planted_token = csrf(planted_page)
    # ...and plants it in the victim's browser, who then logs in.
    app.set_cookie("pf_session", planted)
    page = app.get("/connexion")
    assert csrf(page) == planted_token
    login(app, *JEAN)
    assert app.cookies["pf_session"] != planted
    home = app.get(DUPONT_URL)
    assert csrf(home) != planted_token
    # The attacker's token does not work in the victim's session.
    app.post("/deconnexion", {"csrf_token": planted_token}, status=400)
    assert app.get(DUPONT_URL).status_int == 200
    # Nor does the planted cookie carry the login.
    attacker.set_cookie("pf_session", planted)
    assert logged_out(attacker.get(DUPONT_URL))


def test_logging_in_again_ends_the_previous_session_of_the_browser(app):
    login(app, *JEAN)
    first = app.cookies["pf_auth"]
    # The login form posted again (a second tab left on it).
    token = csrf(app.get(DUPONT_URL))
    app.post("/connexion", {"login": JEAN[0], "password": JEAN[1], "csrf_token": token}, status=302)
    assert app.cookies["pf_auth"] != first
    copy = new_client(app)
    copy.set_cookie("pf_auth", first)
    assert logged_out(copy.get(DUPONT_URL))
    assert app.get(DUPONT_URL).status_int == 200


def test_logout_ends_every_session_of_the_account(app):
    login(app, *JEAN)
    second = new_client(app)
    login(second, *JEAN)
    copy = new_client(app)
    copy.set_cookie("pf_auth", app.cookies["pf_auth"])
    assert copy.get(DUPONT_URL).status_int == 200
    other_family = new_client(app)
    login(other_family, "agent", COMPTES["agent"][0])
    home = second.get(DUPONT_URL)
    second.post("/deconnexion", {"csrf_token": csrf(home)})
    for browser in (second, app, copy):
        assert logged_out(browser.get(DUPONT_URL))
    # Another account's session goes on.
    assert other_family.get("/prolonger-session").json["connecte"] is True


def test_the_sdi_has_no_warning_zone_and_staff_portal_pages_have_it(app):
    login(app, "agent", COMPTES["agent"][0])
    sdi = app.get("/manage/@@contents")
    assert sdi.status_int == 200 and "fin-de-session" not in sdi.text
    assert remaining(app.get("/mot-de-passe")) > 29 * MINUTE
    assert app.get("/prolonger-session").json["connecte"] is True
