"""Bad input gets a French answer, never a 500 nor a traceback, and changes
nothing: empty, huge, unknown, non-UTF-8 and oversized form data, missing
or wrong CSRF tokens, a came_from pointing outside."""

import re

import pytest
import webtest
from substanced.util import find_service

from portail_famille.comptes import sessions
from portail_famille.demo import COMPTES

from ..conftest import DUPONT_URL, MARTIN_URL, csrf, mails, make_app, with_root
from .conftest import client, french_error, no_traceback, raw

JEAN = ("jean.dupont", COMPTES["jean.dupont"][0])
FORM = "application/x-www-form-urlencoded"
INCORRECT = "Identifiant ou mot de passe incorrect."
EXPIRED = "Ce formulaire a expiré"
UNREADABLE = "Les données envoyées ne sont pas lisibles"


def open_sessions(app, login_name="jean.dupont"):
    def count(root, registry):
        user = find_service(root, "principals", "users")[login_name]
        store = sessions._store(user)
        return 0 if store is None else len(store)

    return with_root(app.app, count)


def logged_in(browser):
    """Whether ``browser`` still opens DUPONT's home page."""
    return browser.get(DUPONT_URL, expect_errors=True).status_int == 200


def post_login(browser, login_name, password, **extra):
    page = browser.get("/connexion")
    fields = {"login": login_name, "password": password, "csrf_token": csrf(page)}
    fields.update(extra)
    return browser.post("/connexion", fields, expect_errors=True)


def error_next_to(page, field):
    """The message shown under ``field`` (the element the field's
    aria-describedby names)."""
    match = re.search(r'id="%s-erreur"[^>]*>(.*?)</(?:p|div)>' % field, page.text, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else None


def assert_refused_login(response, message):
    assert response.status_int == 200, response.status
    assert message in response.text
    assert "pf_auth" not in response.headers.get("Set-Cookie", "")
    assert no_traceback(response.text)


# --- Login form -------------------------------------------------------------


def test_empty_fields_are_named_next_to_each_field(shared):
    browser = client(shared)
    response = post_login(browser, "", "")
    assert_refused_login(response, "Saisissez votre identifiant.")
    assert error_next_to(response, "login") == "Saisissez votre identifiant."
    assert error_next_to(response, "password") == "Saisissez votre mot de passe."
    assert 'aria-invalid="true"' in response.text
    # Blanks only are empty too; the identifier typed is kept.
    response = post_login(browser, "   ", "x")
    assert error_next_to(response, "login") == "Saisissez votre identifiant."
    assert error_next_to(response, "password") is None
    response = post_login(browser, "jean.dupont", "")
    assert error_next_to(response, "password") == "Saisissez votre mot de passe."
    assert 'value="jean.dupont"' in response.text


@pytest.mark.parametrize(
    ("login_name", "password"),
    [
        (JEAN[0], "x" * 5000),
        (JEAN[0], JEAN[1] + "x" * 4990),
        ("j" * 5000, JEAN[1]),
        ("personne.inconnue", "Mauvais-mot-2"),
        ("jean.dupont\x00", JEAN[1]),
        ("jean.dupont", JEAN[1] + "\x00"),
    ],
    ids=["long-password", "right-password-plus-more", "long-login", "unknown", "nul-login", "nul"],
)
def test_wrong_credentials_get_one_answer(shared, login_name, password):
    browser = client(shared)
    before = open_sessions(shared)
    response = post_login(browser, login_name, password)
    assert_refused_login(response, INCORRECT)
    assert french_error(response.text) == INCORRECT
    # The identifier is given back, shortened; the password never.
    assert len(re.search(r'id="login" name="login" value="([^"]*)"', response.text).group(1)) <= 200
    assert password not in response.text
    assert open_sessions(shared) == before
    assert not logged_in(browser)


@pytest.mark.parametrize(
    "body",
    [
        b"login=%FF%FE&password=x&csrf_token=",
        b"login=jean.dupont&password=%E9t%E9&csrf_token=",
        "login=jérôme&password=été&csrf_token=".encode("latin-1"),
        b"login=\xff\xfe\xfd&password=\xc3&csrf_token=",
    ],
    ids=["percent-ff", "percent-latin1", "raw-latin1", "raw-invalid"],
)
def test_non_utf8_form_data(shared, body):
    browser = client(shared)
    token = csrf(browser.get("/connexion"))
    response = browser.post(
        "/connexion", body + token.encode(), content_type=FORM, expect_errors=True
    )
    assert response.status_int in (200, 400), response.status
    assert no_traceback(response.text)
    if response.status_int == 200:
        assert french_error(response.text) == INCORRECT
    else:
        assert UNREADABLE in french_error(response.text)
    assert "pf_auth" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("charset", ["latin-1", "ISO-8859-1", "windows-1252", "no-such-charset"])
def test_form_declared_in_another_charset(shared, charset):
    """WebOb refuses to read such a form (it raises): a French 400."""
    browser = client(shared)
    token = csrf(browser.get("/connexion"))
    body = "login=jérôme&password=été&csrf_token=".encode("latin-1") + token.encode()
    response = browser.post(
        "/connexion", body, content_type=FORM + "; charset=" + charset, expect_errors=True
    )
    assert response.status_int == 400
    assert "Données illisibles" in response.text
    assert UNREADABLE in french_error(response.text)
    assert no_traceback(response.text)
    # A UTF-8 charset, however it is spelt, is read as usual.
    response = browser.post(
        "/connexion",
        ("login=jérôme&password=été&csrf_token=%s" % token).encode("utf-8"),
        content_type=FORM + "; charset=utf8",
    )
    assert french_error(response.text) == INCORRECT


@pytest.mark.parametrize("who", ["anonymous", "dupont"])
@pytest.mark.parametrize(
    "path",
    ["/familles/%FF%FE/", "/manage/%FF/", "/connexion?came_from=%FF%FE", DUPONT_URL + "?x=%E9"],
    ids=["path", "sdi-path", "query", "family-query"],
)
def test_url_that_is_not_utf8(request, shared, who, path):
    browser = request.getfixturevalue(who)
    response = raw(shared, path, cookies_from=browser)
    assert response.status_int == 400
    assert "Données illisibles" in response.lenient_text
    assert UNREADABLE in french_error(response.lenient_text)
    assert no_traceback(response.lenient_text)
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"garbage"),
        ("multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: form-data\r\n\r\nx"),
        (
            "multipart/form-data; boundary=zz",
            b'--zz\r\nContent-Disposition: form-data; name="login"\r\n\r\n\xff\xfe\r\n--zz--\r\n',
        ),
    ],
    ids=["no-boundary", "truncated", "non-utf8-part"],
)
@pytest.mark.parametrize("who", ["anonymous", "dupont"])
def test_broken_multipart_body(request, shared, who, content_type, body):
    browser = request.getfixturevalue(who)
    response = raw(
        shared,
        "/connexion",
        cookies_from=browser,
        method="POST",
        body=body,
        content_type=content_type,
    )
    assert response.status_int == 400, response.status
    assert french_error(response.lenient_text) is not None
    assert no_traceback(response.lenient_text)
    if who == "dupont":
        assert logged_in(browser)


def test_oversized_form_is_refused_in_french(app):
    big = b"x" * (2 * 1024 * 1024 + 1)
    anonymous = client(app)
    token = csrf(anonymous.get("/connexion"))
    body = b"login=jean.dupont&password=" + big + b"&csrf_token=" + token.encode()
    response = anonymous.post("/connexion", body, content_type=FORM, expect_errors=True)
    assert response.status_int == 413
    assert "Les données envoyées sont trop volumineuses." in response.text
    assert '<html lang="fr">' in response.text
    assert no_traceback(response.text)
    # Logged in: the same page, and the request did nothing (no logout).
    parent = client(app)
    post_login(parent, *JEAN)
    token = csrf(parent.get(DUPONT_URL))
    body = b"csrf_token=" + token.encode() + b"&pad=" + big
    response = parent.post("/deconnexion", body, content_type=FORM, expect_errors=True)
    assert response.status_int == 413
    assert "Les données envoyées sont trop volumineuses." in response.text
    assert "Bienvenue JEAN DUPONT" in response.text
    assert no_traceback(response.text)
    assert logged_in(parent)
    # Just under the limit is read as usual.
    body = b"login=x&password=y&csrf_token=" + token.encode() + b"&pad="
    body += b"x" * (2 * 1024 * 1024 - len(body))
    assert parent.post("/connexion", body, content_type=FORM).status_int == 200


def test_a_form_with_a_file_may_carry_a_5_mo_attachment(app):
    """Multipart forms (uploads) have their own, larger limit: a 5 Mo file
    and its form pass the size check; above 6 Mo the same French 413."""
    parent = client(app)
    post_login(parent, *JEAN)
    token = csrf(parent.get(DUPONT_URL))

    def post(size):
        return parent.post(
            "/deconnexion",
            {"csrf_token": token},
            upload_files=[("pad", "pad.bin", b"x" * size)],
            expect_errors=True,
        )

    refused = post(6 * 1024 * 1024)
    assert refused.status_int == 413
    assert "Les données envoyées sont trop volumineuses." in refused.text
    assert logged_in(parent)
    # Read as usual: the logout is done.
    assert post(5 * 1024 * 1024 + 1000).status_int == 302
    assert not logged_in(parent)


# --- CSRF -------------------------------------------------------------------


def assert_expired(response):
    assert response.status_int == 400
    assert EXPIRED in french_error(response.text)
    assert no_traceback(response.text)


@pytest.mark.parametrize(
    "token", [None, "", "x", "0" * 40], ids=["missing", "empty", "short", "forged"]
)
def test_login_without_a_good_token_opens_no_session(app, token):
    browser = client(app)
    browser.get("/connexion")
    fields = {"login": JEAN[0], "password": JEAN[1]}
    if token is not None:
        fields["csrf_token"] = token
    before = open_sessions(app)
    assert_expired(browser.post("/connexion", fields, expect_errors=True))
    assert open_sessions(app) == before
    assert "pf_auth" not in browser.cookies
    assert not logged_in(browser)


def test_login_with_the_token_of_another_browser_is_refused(app):
    other = client(app)
    stolen = csrf(other.get("/connexion"))
    browser = client(app)
    browser.get("/connexion")
    response = browser.post(
        "/connexion",
        {"login": JEAN[0], "password": JEAN[1], "csrf_token": stolen},
        expect_errors=True,
    )
    assert_expired(response)
    assert not logged_in(browser)


@pytest.mark.parametrize("token", [None, "x", "other-session"])
def test_logout_without_a_good_token_does_not_end_the_session(app, token):
    browser = client(app)
    post_login(browser, *JEAN)
    fields = {}
    if token == "other-session":
        other = client(app)
        post_login(other, *JEAN)
        fields["csrf_token"] = csrf(other.get(DUPONT_URL))
    elif token is not None:
        fields["csrf_token"] = token
    before = open_sessions(app)
    assert_expired(browser.post("/deconnexion", fields, expect_errors=True))
    assert open_sessions(app) == before
    assert logged_in(browser)
    # The real form still works.
    page = browser.get("/deconnexion")
    assert browser.post("/deconnexion", {"csrf_token": csrf(page)}).status_int == 302
    assert not logged_in(browser)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Origin": "https://evil.example"}, {"Referer": "https://evil.example/form"}],
    ids=["no-origin", "other-origin", "other-referer"],
)
def test_https_post_from_another_origin_is_refused_in_french(tmp_path, headers):
    app = make_app(tmp_path, **{"portail.cookie_secure": "true"})
    browser = client(app, **{"wsgi.url_scheme": "https", "HTTP_HOST": "localhost:443"})
    page = browser.get("/connexion")
    fields = {"login": JEAN[0], "password": JEAN[1], "csrf_token": csrf(page)}
    before = open_sessions(app)
    assert_expired(browser.post("/connexion", fields, headers=headers, expect_errors=True))
    assert open_sessions(app) == before
    # From the site itself, it works.
    ok = browser.post("/connexion", fields, headers={"Origin": "https://localhost"})
    assert ok.location == "https://localhost" + DUPONT_URL


def test_password_change_without_a_token_changes_nothing(app):
    browser = client(app)
    post_login(browser, *JEAN)
    response = browser.post(
        "/mot-de-passe",
        {"current": JEAN[1], "new": "Caramel-Mou2026", "confirm": "Caramel-Mou2026"},
        expect_errors=True,
    )
    assert_expired(response)
    assert logged_in(browser)
    assert post_login(client(app), *JEAN).status_int == 302
    assert post_login(client(app), JEAN[0], "Caramel-Mou2026").status_int == 200


def test_forgotten_password_without_a_token_sends_nothing(app):
    browser = client(app)
    response = browser.post("/mot-de-passe-oublie", {"login": JEAN[0]}, expect_errors=True)
    assert_expired(response)
    assert mails(app) == []


# --- came_from ----------------------------------------------------------------

OUTSIDE = [
    "https://evil.example",
    "http://evil.example/familles/",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    " //evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/\r\nLocation: https://evil.example",
    "/familles/\r\nSet-Cookie: pf_auth=x",
    "/\nhttps://evil.example",
]


@pytest.mark.parametrize("came_from", OUTSIDE)
def test_came_from_outside_is_never_the_target(shared, came_from):
    browser = client(shared)
    page = browser.get("/connexion", {"came_from": came_from})
    assert "evil.example" not in page.text
    assert "Set-Cookie" not in page.text
    response = post_login(browser, *JEAN, came_from=came_from)
    assert response.status_int == 302
    assert response.location == "http://localhost" + DUPONT_URL
    assert [name for name, _ in response.headerlist].count("Location") == 1
    for name, value in response.headerlist:
        assert "evil.example" not in value, (name, value)


def test_came_from_of_this_site_is_followed(shared):
    browser = client(shared)
    response = post_login(browser, *JEAN, came_from="/mot-de-passe")
    assert response.location == "http://localhost/mot-de-passe"


@pytest.mark.parametrize("came_from", ["/\u2603", "/a\x00b", "/a\x7fb"])
def test_came_from_a_header_cannot_carry_does_not_break_the_login(shared, came_from):
    """The Location header is Latin-1 without control characters: such a
    came_from must be dropped (or encoded), not sent as it is."""
    browser = webtest.TestApp(
        shared.app,
        extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "198.51.100.7"},
        lint=False,
    )
    response = post_login(browser, *JEAN, came_from=came_from)
    assert response.status_int == 302
    location = response.headers["Location"]
    assert location.isascii() and location.isprintable(), repr(location)
    assert location.startswith("http://localhost/")


# --- Other URLs ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/connexion"),
        ("DELETE", DUPONT_URL),
        ("PATCH", MARTIN_URL),
        ("OPTIONS", "/"),
        ("GET", "/reinitialiser?jeton=" + "a" * 5000),
        ("GET", "/familles/" + "9" * 3000 + "/"),
        ("GET", "/connexion?came_from=" + "/a" * 3000),
        ("POST", "/connexion?_LOCALE_=../../../etc/passwd"),
        ("GET", "/static-portail/../../../setup.py"),
    ],
)
def test_odd_requests_get_an_answer(dupont, method, path):
    response = dupont.request(path, method=method, expect_errors=True)
    assert response.status_int < 500, (method, path, response.status)
    assert no_traceback(response.text)
    assert "setup(" not in response.text
