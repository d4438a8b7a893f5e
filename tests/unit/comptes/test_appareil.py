"""Device cookies: signed, per login, a few accounts per browser, expiring."""

import http.cookies

import pytest
from pyramid import testing

from portail_famille.comptes import appareil

SETTINGS = {"substanced.secret": "test-secret"}


@pytest.fixture
def config():
    yield testing.setUp(settings=dict(SETTINGS))
    testing.tearDown()


def browser(headers=()):
    """A request carrying the cookie that ``headers`` (Set-Cookie) set."""
    cookies = {}
    for _name, value in headers:
        jar = http.cookies.SimpleCookie()
        jar.load(value)
        cookies.update({k: m.value for k, m in jar.items()})
    return testing.DummyRequest(cookies=cookies)


def test_a_login_makes_the_browser_known_to_that_account_only(config):
    headers = appareil.issue(browser(), "Jean.Dupont", now=1000)
    request = browser(headers)
    nonce = appareil.nonce(request, " jean.dupont", now=1001)
    assert nonce and len(nonce) >= 20
    assert appareil.nonce(request, "agent", now=1001) is None
    # The cookie is HttpOnly, SameSite=Lax, host-only, for a year.
    value = headers[0][1]
    assert "HttpOnly" in value and "samesite=lax" in value.lower() and "Domain" not in value
    assert "Max-Age=31536000" in value


def test_a_forged_or_altered_cookie_is_ignored(config):
    headers = appareil.issue(browser(), "jean.dupont", now=1000)
    value = browser(headers).cookies[appareil.COOKIE]
    altered = value[:-3] + ("AAA" if value[-3:] != "AAA" else "BBB")
    request = testing.DummyRequest(cookies={appareil.COOKIE: altered})
    assert appareil.nonce(request, "jean.dupont", now=1001) is None
    garbage = testing.DummyRequest(cookies={appareil.COOKIE: "%%%not-base64"})
    assert appareil.nonce(garbage, "jean.dupont", now=1001) is None
    # Signed with another site's secret: ignored too.
    testing.tearDown()
    testing.setUp(settings={"substanced.secret": "another-secret"})
    assert appareil.nonce(browser(headers), "jean.dupont", now=1001) is None


def test_each_login_renews_its_entry_and_keeps_five_accounts(config):
    request = browser()
    for n in range(7):
        request = browser(appareil.issue(request, "parent-%d" % n, now=1000 + n))
    known = [n for n in range(7) if appareil.nonce(request, "parent-%d" % n, now=2000)]
    assert known == [2, 3, 4, 5, 6]
    first = appareil.nonce(request, "parent-4", now=2000)
    request = browser(appareil.issue(request, "parent-4", now=3000))
    assert appareil.nonce(request, "parent-4", now=3001) not in (None, first)
    assert appareil.nonce(request, "parent-2", now=3001)


def test_an_entry_expires_after_the_lifetime_setting(config):
    config.registry.settings["portail.appareil_duree"] = "100"
    request = browser(appareil.issue(browser(), "jean.dupont", now=1000))
    assert appareil.nonce(request, "jean.dupont", now=1099)
    assert appareil.nonce(request, "jean.dupont", now=1101) is None
