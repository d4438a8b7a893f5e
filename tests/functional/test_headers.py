"""Headers of every response: no caching of family data, security headers,
the cookies' flags; the CSRF token of every POST form."""

import pytest

from portail_famille.demo import COMPTES

from ..conftest import DUPONT_URL, MARTIN_URL, csrf, make_app
from .conftest import client

JEAN = ("jean.dupont", COMPTES["jean.dupont"][0])


def set_cookies(response):
    """{cookie name: [{attribute (lower case): value}, ...]} of the response."""
    found = {}
    for name, value in response.headerlist:
        if name.lower() != "set-cookie":
            continue
        parts = [p.strip() for p in value.split(";")]
        cookie_name = parts[0].split("=", 1)[0]
        attributes = {}
        for part in parts[1:]:
            key, _sep, val = part.partition("=")
            attributes[key.strip().lower()] = val.strip()
        found.setdefault(cookie_name, []).append(attributes)
    return found


def login_response(browser, **headers):
    page = browser.get("/connexion")
    return browser.post(
        "/connexion",
        {"login": JEAN[0], "password": JEAN[1], "csrf_token": csrf(page)},
        headers=headers,
        status=302,
    )


def family_responses(dupont, anonymous):
    """Responses of the family portal: pages, redirects, errors."""
    return {
        "home": dupont.get(DUPONT_URL),
        "home without slash": dupont.get(DUPONT_URL.rstrip("/")),
        "root redirect": dupont.get("/"),
        "password page": dupont.get("/mot-de-passe"),
        "logout page": dupont.get("/deconnexion"),
        "other family (404)": dupont.get(MARTIN_URL, status=404),
        "unknown page (404)": dupont.get(DUPONT_URL + "nope", status=404),
        "children folder": dupont.get(DUPONT_URL + "enfants/", expect_errors=True),
        "bad token (400)": dupont.post("/deconnexion", {"csrf_token": "x"}, status=400),
        "SDI refused to a parent": dupont.get("/manage/@@contents"),
        "anonymous home": anonymous.get(DUPONT_URL),
        "login page": anonymous.get("/connexion"),
        "forgotten password": anonymous.get("/mot-de-passe-oublie"),
        "reset link": anonymous.get("/reinitialiser", {"jeton": "nope"}),
    }


def test_family_responses_are_never_cached(dupont, anonymous):
    for label, response in family_responses(dupont, anonymous).items():
        directives = [d.strip() for d in response.headers.get("Cache-Control", "").split(",")]
        assert "no-store" in directives, (label, response.headers.get("Cache-Control"))
        assert "public" not in directives and "max-age" not in str(directives), label


def test_the_login_response_is_not_cached(shared):
    response = login_response(client(shared))
    assert "no-store" in response.headers["Cache-Control"]


def check_security_headers(label, response, frame_ancestors):
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    assert directives.get("frame-ancestors") == frame_ancestors, (label, csp)
    assert "default-src" in directives, (label, csp)
    assert directives.get("object-src") == "'none'", (label, csp)
    assert headers.get("X-Frame-Options") == (
        "DENY" if frame_ancestors == "'none'" else "SAMEORIGIN"
    ), label
    assert headers.get("X-Content-Type-Options") == "nosniff", label
    assert headers.get("Referrer-Policy") in (
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
        "strict-origin",
    ), label


def test_portal_pages_send_the_security_headers(dupont, anonymous):
    for label, response in family_responses(dupont, anonymous).items():
        if response.request.path.startswith("/manage"):
            # The SDI's own answer (here a redirect): framed by the SDI only.
            check_security_headers(label, response, "'self'")
            continue
        check_security_headers(label, response, "'none'")
        csp = response.headers["Content-Security-Policy"]
        # The portal's own pages need no inline script.
        assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0], label


def test_error_pages_of_refused_input_send_them_too(shared):
    browser = client(shared)
    token = csrf(browser.get("/connexion"))
    too_big = browser.post(
        "/connexion",
        b"csrf_token=" + token.encode() + b"&x=" + b"x" * (2 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
        status=413,
    )
    check_security_headers("413", too_big, "'none'")
    assert "no-store" in too_big.headers["Cache-Control"]
    unreadable = browser.get("/connexion?came_from=%E9", status=400)
    check_security_headers("400", unreadable, "'none'")


def test_sdi_pages_send_the_security_headers(agent):
    for url in ("/manage/@@contents", "/manage/familles/1001001818331/@@properties"):
        response = agent.get(url)
        check_security_headers(url, response, "'self'")
        assert "no-store" in response.headers["Cache-Control"], url


def test_static_files_may_be_cached_but_keep_nosniff(anonymous):
    response = anonymous.get("/static-portail/portail.css")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "max-age" in response.headers.get("Cache-Control", "")


# --- Cookies ----------------------------------------------------------------


def test_cookies_are_httponly_and_samesite_lax(app):
    # Its own application: logging out ends every session of the account,
    # the module's ``dupont`` too.
    browser = client(app)
    first = browser.get("/connexion")
    response = login_response(browser)
    cookies = set_cookies(response)
    cookies.setdefault("pf_session", []).extend(set_cookies(first).get("pf_session", []))
    assert cookies.get("pf_auth") and cookies.get("pf_session") and cookies.get("pf_appareil")
    for name in ("pf_auth", "pf_session", "pf_appareil"):
        for attributes in cookies[name]:
            assert "httponly" in attributes, (name, attributes)
            assert attributes.get("samesite", "").lower() == "lax", (name, attributes)
            assert "secure" not in attributes, (name, attributes)  # plain http in dev
            assert attributes.get("path") == "/", (name, attributes)
    # Logging out clears the auth cookie with the same flags.
    page = browser.get("/deconnexion")
    out = browser.post("/deconnexion", {"csrf_token": csrf(page)}, status=302)
    for attributes in set_cookies(out)["pf_auth"]:
        assert "httponly" in attributes and attributes.get("samesite", "").lower() == "lax"


def test_cookies_are_secure_when_the_setting_says_so(tmp_path):
    app = make_app(tmp_path, **{"portail.cookie_secure": "true"})
    browser = client(app, **{"wsgi.url_scheme": "https", "HTTP_HOST": "localhost:443"})
    first = browser.get("/connexion")
    # Over https Pyramid also checks the Origin of a POST (browsers send it).
    response = login_response(browser, Origin="https://localhost")
    cookies = set_cookies(response)
    cookies.setdefault("pf_session", []).extend(set_cookies(first).get("pf_session", []))
    assert cookies.get("pf_auth") and cookies.get("pf_session") and cookies.get("pf_appareil")
    for name in ("pf_auth", "pf_session", "pf_appareil"):
        for attributes in cookies[name]:
            assert "secure" in attributes, (name, attributes)
            assert "httponly" in attributes, (name, attributes)
            assert attributes.get("samesite", "").lower() == "lax", (name, attributes)
    # Over https the browser sends them back: the parent is at home.
    home = browser.get(DUPONT_URL)
    assert home.status_int == 200
    assert home.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(home.headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= 15552000


# --- CSRF token in every POST form ---------------------------------------------


def post_forms(response):
    return [form for form in response.forms.values() if (form.method or "GET").upper() == "POST"]


def check_post_forms(label, response, token, names=("csrf_token",)):
    forms = post_forms(response)
    for form in forms:
        values = [form.fields[name][0].value for name in names if name in form.fields]
        assert values, "%s: a POST form (%s) without a CSRF token" % (label, form.id or form.action)
        assert all(value == token for value in values), (label, values, token)
        for name in names:
            if name in form.fields:
                assert form.fields[name][0].attrs.get("type") == "hidden", (label, name)
    return len(forms)


@pytest.mark.parametrize("who", ["anonymous", "dupont", "martin"])
def test_every_post_form_of_the_portal_carries_the_token(request, who):
    browser = request.getfixturevalue(who)
    urls = ["/connexion", "/mot-de-passe-oublie", "/reinitialiser?jeton=x", "/nope"]
    if who != "anonymous":
        own = DUPONT_URL if who == "dupont" else MARTIN_URL
        other = MARTIN_URL if who == "dupont" else DUPONT_URL
        urls = [own, "/mot-de-passe", "/deconnexion", other, own + "nope"]
    token = csrf(browser.get(urls[0]))
    seen = 0
    for url in urls:
        response = browser.get(url, expect_errors=True)
        seen += check_post_forms(url, response, token)
    assert seen >= len(urls) - 2  # the pages do have forms


def test_every_post_form_of_the_sdi_carries_the_token(agent):
    token = csrf(agent.get("/mot-de-passe"))
    urls = [
        "/manage/@@contents",
        "/manage/familles/@@contents",
        "/manage/familles/@@add_famille",
        "/manage/familles/1001001818331/@@properties",
        "/manage/familles/1001001818331/@@properties/Bancaires",
        "/manage/familles/1001001818331/enfants/@@add_enfant",
    ]
    seen = 0
    for url in urls:
        response = agent.get(url)
        # SubstanceD's deform forms name it ``_csrf_token_``.
        seen += check_post_forms(url, response, token, names=("csrf_token", "_csrf_token_"))
    assert seen >= len(urls)
