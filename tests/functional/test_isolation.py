"""A parent reaches his own family only and never the management interface
(SDI); staff work on families in the SDI as their role allows; every view of
the package is protected by a named permission."""

import re
from urllib.parse import quote

import pytest

from portail_famille.demo import COMPTES, DUPONT
from portail_famille.security import Permission

from ..conftest import ADMIN, DUPONT_URL, MARTIN_URL, csrf, login, with_root
from .conftest import FAMILLES, client, family_urls, leaked, traversal_view_names

HOME = {"dupont": DUPONT_URL, "martin": MARTIN_URL}
# attacker -> victim
PAIRS = [("martin", "dupont"), ("dupont", "martin")]
# Names no view has: traversal must not turn them into a page either.
MADE_UP_NAMES = ("@@properties", "@@contents", "index.html", "pdf", "..", "%2e%2e")


def urls_with_view_names(app, victim):
    urls = []
    names = [n for n in traversal_view_names(app) if n] + list(MADE_UP_NAMES)
    for url in family_urls(app, victim):
        urls.append(url)
        base = url if url.endswith("/") else url + "/"
        for name in names:
            urls.append(base + name)
            if not name.startswith("@@"):
                urls.append(base + "@@" + name)
    return urls


def check_refused(response, victim, url, failures):
    if response.status_int not in (403, 404):  # 404 for parents, 403 for staff
        failures.append("%s %s -> %s" % (response.request.method, url, response.status))
    found = leaked(response.text, victim)
    if found:
        failures.append("%s %s shows %s" % (response.request.method, url, found))


# --- One family cannot reach the other -------------------------------------


@pytest.mark.parametrize(("attacker", "victim"), PAIRS)
def test_a_parent_cannot_open_anything_of_the_other_family(request, shared, attacker, victim):
    parent = request.getfixturevalue(attacker)
    owner = request.getfixturevalue(victim)
    # The URLs are real: their owner opens the family home.
    assert leaked(owner.get(HOME[victim]).text, victim)
    urls = urls_with_view_names(shared, victim)
    assert len(urls) > 40
    failures = []
    for url in urls:
        check_refused(parent.get(url, expect_errors=True), victim, url, failures)
    assert not failures, "\n".join(failures)
    # The parent's own session is still fine.
    assert parent.get(HOME[attacker]).status_int == 200


@pytest.mark.parametrize(("attacker", "victim"), PAIRS)
def test_a_parent_cannot_post_to_the_other_family(request, shared, attacker, victim):
    parent = request.getfixturevalue(attacker)
    # A valid token of the attacker's own session: only the permission stops him.
    token = csrf(parent.get(HOME[attacker]))
    failures = []
    for url in urls_with_view_names(shared, victim):
        response = parent.post(
            url, {"csrf_token": token, "nom": "PIRATE", "code_postal": "00000"}, expect_errors=True
        )
        check_refused(response, victim, url, failures)
    assert not failures, "\n".join(failures)

    def record(root, registry):
        return dict(root["familles"][FAMILLES[victim]["numero"]].responsable)

    assert with_root(shared.app, record) == FAMILLES[victim]["responsable"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_anonymous_is_sent_to_the_login_page(shared, anonymous, method):
    for parent in ("dupont", "martin"):
        for url in family_urls(shared, parent):
            response = anonymous.request(url, method=method, expect_errors=True)
            text = "%s %s -> %s" % (method, url, response.status)
            assert response.status_int in (302, 404), text
            assert not leaked(response.text, parent, url), text
            if response.status_int == 302:
                assert response.location == (
                    "http://localhost/connexion?came_from=%s" % quote(url, safe="")
                ), text
        # The family home itself always asks to log in, then comes back.
        home = anonymous.request(HOME[parent], method=method)
        assert home.status_int == 302
        assert home.location.startswith("http://localhost/connexion?came_from=")
        assert home.follow().status_int == 200


def test_the_login_page_brings_the_parent_back_to_the_page_asked(shared):
    browser = client(shared)
    page = browser.get(DUPONT_URL).follow()
    assert 'name="came_from" value="%s"' % DUPONT_URL in page.text
    response = browser.post(
        "/connexion",
        {
            "login": "jean.dupont",
            "password": COMPTES["jean.dupont"][0],
            "came_from": DUPONT_URL,
            "csrf_token": csrf(page),
        },
        status=302,
    )
    assert response.location == "http://localhost" + DUPONT_URL


def test_came_from_of_the_other_family_gives_nothing(shared):
    """Logging in with a link to another family's page leads to a refusal."""
    browser = client(shared)
    page = browser.get("/connexion", {"came_from": MARTIN_URL})
    response = browser.post(
        "/connexion",
        {
            "login": "jean.dupont",
            "password": COMPTES["jean.dupont"][0],
            "came_from": MARTIN_URL,
            "csrf_token": csrf(page),
        },
        status=302,
    )
    landed = browser.get(response.location, expect_errors=True)
    # To a parent another family's page does not exist (no hint that the
    # number is in use).
    assert landed.status_int == 404
    assert not leaked(landed.text, "martin")
    assert "Cette page n'existe pas" in landed.text


# --- Parents and the SDI ----------------------------------------------------

SDI_URLS = (
    "/manage",
    "/manage/",
    "/manage/@@contents",
    "/manage/familles/@@contents",
    "/manage/familles/1001001818331/@@properties",
    "/manage/familles/1001001818331/@@properties/Bancaires",
    "/manage/familles/1001001818400/@@properties",
    "/manage/familles/1001001818331/enfants/@@contents",
    "/manage/principals/users/@@contents",
    "/manage/principals/users/jean.dupont/@@properties",
    "/manage/@@undo",
    "/manage/@@login",
    "/manage/@@logout",
    "/manage/does-not-exist",
)


def is_sdi(response):
    return "/sdistatic/" in response.text or "/manage/@@" in response.text


def follow_all(response, limit=5):
    for _ in range(limit):
        if response.status_int not in (301, 302, 303, 307):
            break
        response = response.follow(expect_errors=True)
    return response


@pytest.mark.parametrize("parent", ["dupont", "martin"])
def test_a_parent_never_reaches_the_sdi(request, shared, parent):
    browser = request.getfixturevalue(parent)

    def child_urls(root, registry):
        enfants = root["familles"]["1001001818331"]["enfants"]
        return ["/manage/familles/1001001818331/enfants/%s/@@properties" % n for n in enfants]

    for url in SDI_URLS + tuple(with_root(shared.app, child_urls)):
        response = browser.get(url, expect_errors=True)
        assert response.status_int != 200, url
        check_not_sdi(follow_all(response), parent, url)


def check_not_sdi(final, parent, url):
    assert not is_sdi(final), url
    assert not leaked(final.text, "dupont" if parent == "martin" else "martin"), url
    if final.request.path.startswith("/manage"):
        assert final.status_int in (403, 404), (url, final.status)
    else:
        assert final.status_int in (200, 403, 404), (url, final.status)
        if final.status_int == 200:
            # Sent back to the parent's own home page.
            assert final.request.path == HOME[parent], (url, final.request.url)


@pytest.mark.parametrize("parent", ["dupont", "martin"])
def test_a_parent_cannot_post_in_the_sdi(request, shared, parent):
    browser = request.getfixturevalue(parent)
    token = csrf(browser.get(HOME[parent]))
    fields = {"csrf_token": token, "_csrf_token_": token, "__formid__": "deform"}
    fields.update({"code_postal": "00000", "nom": "PIRATE", "save": "save"})
    for url in (
        "/manage/familles/1001001818331/@@properties/Responsable",
        "/manage/familles/1001001818400/@@properties/Responsable",
        "/manage/familles/@@add_famille",
    ):
        response = browser.post(url, fields, expect_errors=True)
        assert response.status_int != 200, url
        check_not_sdi(follow_all(response), parent, url)

    def record(root, registry):
        familles = root["familles"]
        return [dict(familles[n].responsable)["code_postal"] for n in sorted(familles)]

    # DUPONT, JEANNE LAFOND (his former conjoint's household), MARTIN: unchanged, none added
    assert with_root(shared.app, record) == ["31400", "31400", "38330"]


@pytest.mark.parametrize("role", ["agent", "regisseur", "admin"])
def test_staff_open_the_sdi(request, role):
    browser = request.getfixturevalue(role)
    response = follow_all(browser.get("/manage"))
    assert response.status_int == 200
    assert response.request.path.startswith("/manage")
    assert is_sdi(response)


@pytest.mark.parametrize("role", ["agent", "regisseur", "editeur", "admin"])
def test_staff_reach_the_sdi_from_the_portal(shared, role):
    """Where the portal sends staff (after login, the menu's "Gestion"
    link) is an SDI page they may open."""
    browser = client(shared)
    landing = login(browser, role, COMPTES[role][0] if role != "admin" else ADMIN[1])
    targets = [landing.location.replace("http://localhost", "")]
    menu = browser.get("/mot-de-passe").text
    targets += re.findall(r'<a href="(/manage[^"]*)"', menu)
    assert len(targets) >= 2, targets
    for target in targets:
        response = follow_all(browser.get(target, expect_errors=True))
        assert response.status_int == 200, (role, target, response.status)
        assert response.request.path.startswith("/manage"), (role, target)
        assert is_sdi(response), (role, target)


# --- Editing a family in the SDI --------------------------------------------

PROPERTIES = "/manage/familles/1001001818331/@@properties"


def responsable_tab(browser):
    """The "Responsable" tab of the property sheets, as the SDI links it."""
    page = browser.get(PROPERTIES)
    tabs = dict(
        (title.strip(), href)
        for href, title in re.findall(r'<a href="([^"]*@@properties/[^"]*)">([^<]+)</a>', page.text)
    )
    assert {"Responsable", "Conjoint", "Fiscales", "CAF", "Bancaires"} <= set(tabs), tabs
    return browser.get(tabs["Responsable"])


def responsable(app):
    return with_root(
        app.app, lambda root, registry: dict(root["familles"][DUPONT["numero"]].responsable)
    )


def test_an_agent_edits_the_family_record(app):
    agent = client(app)
    login(agent, "agent", COMPTES["agent"][0])
    page = responsable_tab(agent)
    assert page.request.path == PROPERTIES + "/Responsable"
    form = page.forms["deform"]
    assert form["code_postal"].value == "31400"
    form["prenom"] = "JEAN-MARC"
    form["ville"] = "GRENOBLE"
    form["code_postal"] = "38000"
    saved = form.submit("save")
    assert saved.status_int == 302
    assert saved.location == "http://localhost" + PROPERTIES + "/Responsable"
    record = responsable(app)
    assert (record["prenom"], record["ville"], record["code_postal"]) == (
        "JEAN-MARC",
        "GRENOBLE",
        "38000",
    )
    # The rest of the section is untouched.
    assert record["adresse"] == "12 RUE DES BONBONS"
    assert record["email"] == "jean.dupont@wanadoo.fr"
    # The parent sees it on his home page.
    parent = client(app)
    login(parent, "jean.dupont", COMPTES["jean.dupont"][0])
    assert "Bienvenue JEAN-MARC DUPONT" in parent.get(DUPONT_URL).text


def test_a_bad_postal_code_is_refused_next_to_the_field(app):
    agent = client(app)
    login(agent, "agent", COMPTES["agent"][0])
    form = responsable_tab(agent).forms["deform"]
    form["ville"] = "GRENOBLE"
    form["code_postal"] = "3140A"
    refused = form.submit("save")
    assert refused.status_int == 200
    message = "Le code postal doit comporter 5 chiffres."
    assert refused.text.count(message) == 1
    # Next to the field: in the code_postal block, with the value typed.
    block = re.search(
        r'<div[^>]*class="[^"]*has-error[^"]*item-code_postal[^"]*"[^>]*>(.*?)</div>',
        refused.text,
        re.S,
    )
    assert block, "no field in error"
    assert 'name="code_postal" value="3140A"' in block.group(1)
    assert message in block.group(1)
    # Nothing saved, not even the valid field of the same form.
    record = responsable(app)
    assert (record["code_postal"], record["ville"]) == ("31400", "SAINT - JEAN")


@pytest.mark.parametrize("role", ["editeur", "regisseur"])
def test_other_staff_cannot_edit_a_family(app, role):
    browser = client(app)
    login(browser, role, COMPTES[role][0])
    for url in (PROPERTIES, PROPERTIES + "/Responsable"):
        page = browser.get(url, expect_errors=True)
        assert page.status_int in (200, 403, 404), url
        if page.status_int == 200:
            # Read only: no field to type in, no button to save.
            assert not re.search(r'<input[^>]*name="code_postal"', page.text), url
            assert 'name="save"' not in page.text, url
    # A forged submission, with a valid token of the session, changes nothing.
    token = csrf(browser.get("/mot-de-passe"))
    fields = [("_charset_", "UTF-8"), ("__formid__", "deform"), ("_csrf_token_", token)]
    fields += [(k, v) for k, v in DUPONT["responsable"].items() if isinstance(v, str)]
    fields = [(k, "38000" if k == "code_postal" else v) for k, v in fields]
    fields += [("autorisation_courriel", "true"), ("save", "save"), ("csrf_token", token)]
    response = browser.post(PROPERTIES + "/Responsable", fields, expect_errors=True)
    assert response.status_int in (403, 404)
    assert responsable(app)["code_postal"] == "31400"


# --- Every view has a named permission ---------------------------------------

# The SDI's login, logout and password reset screens only redirect to the
# portal's own pages.
OPEN_ON_PURPOSE = {
    ("portail_famille.comptes.sdi.connexion", "sdi_login"),
    ("portail_famille.comptes.sdi.connexion", "sdi_logout"),
    ("portail_famille.comptes.sdi.connexion", "sdi_reset_request"),
    ("portail_famille.comptes.sdi.connexion", "sdi_reset_link"),
}


def test_every_view_of_the_package_names_a_permission(shared):
    introspector = shared.app.registry.introspector
    named = {permission.value for permission in Permission}
    checked, problems = [], []
    for item in introspector.get_category("views"):
        view = item["introspectable"]
        callable_ = view["callable"]
        module = getattr(callable_, "__module__", "") or ""
        if not module.startswith("portail_famille"):
            continue
        context = view["context"]
        if view["exception_only"] or (
            isinstance(context, type) and issubclass(context, BaseException)
        ):
            continue  # error pages: they show no data and must always work
        permissions = [r["value"] for r in item["related"] if r.category_name == "permissions"]
        label = "%s.%s (name=%r)" % (module, callable_.__name__, view["name"])
        checked.append(label)
        if not permissions or permissions[0] is None:
            problems.append(label + ": no permission")
        elif (module, callable_.__name__) in OPEN_ON_PURPOSE:
            continue
        elif permissions[0] not in named:
            problems.append(
                "%s: %r is not a permission of security.Permission" % (label, permissions[0])
            )
    assert not problems, "\n".join(problems)
    # The check saw the views it is about.
    assert any("accueil.views.home" in label for label in checked)
    assert any("comptes.views.login " in label for label in checked)
    assert any("arrivee.sdi.ArriveeView" in label for label in checked)


def test_a_parent_cannot_tell_which_family_numbers_exist(dupont):
    existing = dupont.get(MARTIN_URL, status=404)
    missing = dupont.get("/familles/1001009999999/", status=404)
    # The seconds the session has left tick between the two requests.
    assert _sans_reste(existing.text) == _sans_reste(missing.text)


def _sans_reste(page):
    page, n = re.subn(r'data-reste="\d+"', 'data-reste=""', page)
    assert n == 1
    return page
