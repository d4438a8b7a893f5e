"""Access control swept over every view the application registers (SDI tabs
included): each one is requested on a real object, with GET and POST, as
anonymous, as each staff role, as the parent DUPONT and as MARTIN on
DUPONT's objects, and the answers are compared with the committed table
``acces_attendu.txt``.  The same sweep checks that no GET writes to the
database, and that every POST view refuses a request without a valid CSRF
token (missing, wrong, another user's) with a French page, committing
nothing.

The POSTs of the sweep carry a valid token of the role's session (so only
the permission decides) and run under a commit veto: whatever a permitted
POST would write is aborted, the demo data stays as it was for the next
request, and the veto records whether a refused POST tried to write.
"""

import pytest
import webtest

from portail_famille.demo import COMPTES

from ..conftest import ADMIN, MARTIN_PASSWORD, login, make_app
from ..travaux import message_en_file
from . import acces
from .conftest import french_error, no_traceback

pytestmark = pytest.mark.lent  # started first: tests/conftest.py

LOGINS = {
    "dupont": ("jean.dupont", COMPTES["jean.dupont"][0]),
    "martin": ("marie.martin", MARTIN_PASSWORD),
    "agent": ("agent", COMPTES["agent"][0]),
    "regisseur": ("regisseur", COMPTES["regisseur"][0]),
    "editeur": ("editeur", COMPTES["editeur"][0]),
    "admin": ADMIN,
}
# Notes of the table, each with its reason: a GET that may write, a 500
# known and left (its reason says why and who must fix it).
UNE_FOIS = "ecrit-une-fois:"  # the first GET may write, the next ones nothing
AUDIT = "audit:"  # a staff member's read is written to the RGPD audit
DEFAUT = "defaut-connu:"
PERSONNEL = ("agent", "regisseur", "editeur", "admin")
PARENTS = ("dupont", "martin")
# Views a sweep must not request with a role's own browser: logging out
# (whatever the veto keeps, the browser drops its cookie).
PROPRE_NAVIGATEUR = {("comptes.views:logout", "IRoot", "deconnexion", "POST")}


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """The module's application: the demo data, plus the commit veto."""
    return make_app(
        tmp_path_factory.mktemp("acces"), **{"tm.commit_veto": "tests.functional.acces:veto"}
    )


@pytest.fixture(scope="module")
def monde(shared, dupont, martin, anonymous, agent, regisseur, editeur, admin):
    """The demo data completed with one object of each context, the URLs'
    query strings, and a valid CSRF token per role."""
    child, conversation, jeton = acces.preparer_dupont(shared, dupont)
    arbre = acces.objets(shared)
    arbre.sort(key=lambda row: 0 if row[0] + "/" == conversation + "/" else 1)
    requetes = {
        ("IEnfant", "planning.ics"): "?jeton=" + jeton,
        ("IConversation", "piece-jointe"): "/0",
        ("IConversation", "@@piece-jointe"): "?n=0",
        # DUPONT's first SEPA mandate (the demo's)
        ("IFamille", "mandat-sepa.pdf"): "?mandat=1",
        ("IFamille", "@@mandat-sepa.pdf"): "?mandat=1",
        ("IFamille", "@@revoquer-mandat"): "?mandat=1",
        # the supporting document of DUPONT's CAF request (demandes.pieces)
        ("IDemande", "piece"): "?n=1",
        ("IDemande", "@@piece"): "?n=1",
        # a group message queued (travaux): its progress page
        ("IRoot", "@@travail"): "?id=" + message_en_file(shared.app),
    }
    browsers = {
        "anonyme": anonymous,
        "dupont": dupont,
        "martin": martin,
        "agent": agent,
        "regisseur": regisseur,
        "editeur": editeur,
        "admin": admin,
    }
    jetons = {role: acces.jeton_de(browser) for role, browser in browsers.items()}
    return {"arbre": arbre, "requetes": requetes, "browsers": browsers, "jetons": jetons}


def _navigateur(shared, monde, role, vue):
    if vue.cle not in PROPRE_NAVIGATEUR:
        return monde["browsers"][role], monde["jetons"][role]
    browser = webtest.TestApp(shared.app, extra_environ={"HTTP_HOST": "localhost"})
    if role != "anonyme":
        login(browser, *LOGINS[role])
    return browser, acces.jeton_de(browser)


def _demander(shared, monde, role, vue, url, jeton="valide", veto=None):
    browser, valide = _navigateur(shared, monde, role, vue)
    return _envoyer(browser, valide, vue, url, jeton, veto)


def _envoyer(browser, valide, vue, url, jeton="valide", veto=None):
    environ = {} if veto is None else {acces.VETO: veto}
    headers = acces.en_tetes(vue)
    if vue.methode == "GET":
        return browser.get(url, headers=headers, extra_environ=environ, expect_errors=True)
    token = valide if jeton == "valide" else jeton
    return browser.post(
        url,
        acces.champs_post(vue, token),
        headers=headers,
        extra_environ=environ,
        expect_errors=True,
    )


def _balayage(shared, monde):
    """{vue.cle: (statuses per role)} and the problems seen on the way: a
    GET that committed, a refused POST that tried to write, a 500."""
    observe, problemes, urls = {}, [], {}
    table = acces.lire_table()
    for vue in acces.vues(shared.app.registry):
        VUES[vue.cle] = vue
        if vue.exception:
            observe[vue.cle] = ("-",) * len(acces.ROLES)
            continue
        url = acces.url_de(shared, vue, monde["arbre"], monde["requetes"])
        urls[vue.cle] = url
        statuts = []
        for role in acces.ROLES:
            avant = acces.derniere_transaction(shared)
            marks = [] if vue.methode == "POST" else None
            response = _demander(shared, monde, role, vue, url, veto=marks)
            code = acces.statut(response)
            statuts.append(code)
            where = "%s %s as %s -> %s" % (vue.methode, url, role, code)
            if response.status_int >= 500 and not table.get(vue.cle, ("", ""))[1].startswith(
                DEFAUT
            ):
                problemes.append(where + ": server error")
            if vue.methode == "GET" and acces.derniere_transaction(shared) != avant:
                problemes.append(("GET-ECRIT", vue.cle, role, where))
            if marks and marks[0] and code in ("cnx", "400", "403", "404", "405"):
                problemes.append(where + ": refused, yet tried to write")
        observe[vue.cle] = tuple(statuts)
    return observe, problemes, urls


VUES = {}  # key -> Vue, filled by the sweep


@pytest.fixture(scope="module")
def balayage(shared, monde):
    return _balayage(shared, monde)


def test_every_view_answers_each_role_as_the_table_says(balayage):
    observe, problemes, urls = balayage
    table = acces.lire_table()
    manquantes, differentes = [], []
    for cle, statuts in sorted(observe.items()):
        vue = acces.Vue(*cle, exception=statuts[0] == "-")
        if cle not in table:
            manquantes.append(acces.ligne(vue, statuts))
        elif table[cle][0] != statuts and not (vue.exception and not table[cle][0]):
            differentes.append(
                "%s\n    table:    %s\n    observed: %s  (%s)"
                % (" ".join(cle), " ".join(table[cle][0]), " ".join(statuts), urls.get(cle))
            )
    disparues = sorted(set(table) - set(observe))
    message = []
    if manquantes:
        message.append(
            "Views without a line in %s (roles: %s). Check each answer, then add:\n%s"
            % (acces.TABLE, " ".join(acces.ROLES), "\n".join(manquantes))
        )
    if differentes:
        message.append("Answers that differ from the table:\n" + "\n".join(differentes))
    if disparues:
        message.append("Lines of views that no longer exist: remove them:\n%s" % disparues)
    assert not message, "\n\n".join(message)
    # The sweep saw what it is about.
    assert len(observe) > 200
    assert observe[("accueil.views:home", "IFamille", "-", "GET")] == (
        "cnx",
        "200",
        "404",
        "200",
        "200",
        "403",
        "200",
    )


def test_no_get_writes_to_the_database(shared, monde, balayage):
    """Each GET of the sweep (every role) left the database's last
    transaction as it was, except the lines the table allows to write
    (with their reason): once (then nothing the second time), or a staff
    read kept in the audit (never a parent's)."""
    _, problemes, urls = balayage
    table = acces.lire_table()
    permis = {cle for cle, (_, note) in table.items() if note.startswith(UNE_FOIS)}
    audites = {cle for cle, (_, note) in table.items() if note.startswith(AUDIT)}
    ecrits = [p for p in problemes if isinstance(p, tuple)]
    interdits = [
        where
        for _, cle, role, where in ecrits
        if cle not in permis and not (cle in audites and role in PERSONNEL)
    ]
    assert not interdits, "\n".join(interdits)
    # Allowed once: now that it is done, the same GET writes nothing.
    for cle in permis:
        for role in acces.ROLES:
            vue = VUES[cle]
            avant = acces.derniere_transaction(shared)
            _demander(shared, monde, role, vue, urls[cle])
            assert acces.derniere_transaction(shared) == avant, (cle, role)
    # HEAD neither, on the family's pages and the feeds.
    for url in sorted(set(urls.values())):
        avant = acces.derniere_transaction(shared)
        monde["browsers"]["dupont"].head(url, expect_errors=True)
        assert acces.derniere_transaction(shared) == avant, "HEAD " + url


def test_refused_posts_write_nothing_and_no_view_fails(balayage):
    _, problemes, _ = balayage
    assert not [p for p in problemes if not isinstance(p, tuple)]


# --- CSRF -------------------------------------------------------------------------

# POST views that take no CSRF token, on purpose: the payment provider's
# server (its own signed data, no session) and the simulated bank standing
# for the provider's site (development and demos only).
SANS_JETON = {
    ("paiement.views:notification", "IRoot", "notification-paiement", "POST"),
    ("paiement.views:retour", "IFacture", "retour-paiement", "POST"),
}


def test_every_post_without_a_valid_token_is_refused_and_writes_nothing(shared, monde, balayage):
    observe, _, urls = balayage
    permis_par_vue = {}
    for cle, statuts in observe.items():
        if cle[3] != "POST" or cle in SANS_JETON:
            continue
        # The roles the view lets in (a parent is sent home from the SDI).
        roles = [
            role
            for role, code in zip(acces.ROLES, statuts, strict=True)
            if code not in ("cnx", "403", "404", "405", "-")
            and not (role in PARENTS and cle[2].startswith("@@"))
        ]
        if roles:
            permis_par_vue[cle] = roles
    assert len(permis_par_vue) > 50, sorted(permis_par_vue)
    autre = {role: ("admin" if role != "admin" else "dupont") for role in acces.ROLES}
    problemes = []
    for cle, roles in sorted(permis_par_vue.items()):
        vue = VUES[cle]
        # The token is checked after the permission: the three bad tokens
        # for one permitted role, none for another one (parent and staff).
        essais = [(roles[0], None), (roles[0], "faux-jeton")]
        essais += [(roles[0], monde["jetons"][autre[roles[0]]]), (roles[-1], None)]
        for role, jeton in essais[: 4 if roles[-1] != roles[0] else 3]:
            browser, valide = _navigateur(shared, monde, role, vue)
            avant = acces.derniere_transaction(shared)
            response = _envoyer(browser, valide, vue, urls[cle], jeton=jeton)
            where = "%s: POST %s as %s, token %r -> %s" % (
                cle[0],
                urls[cle],
                role,
                jeton,
                response.status,
            )
            if vue.predicat_csrf:
                # SubstanceD's own check (a view predicate): a request
                # without the token matches no view, or the tab's page.
                if response.status_int not in (302, 400, 404):
                    problemes.append(where)
            elif response.status_int != 400:
                problemes.append(where)
            elif french_error(response.text) is None or not no_traceback(response.text):
                problemes.append(where + ": not the French error page")
            if acces.derniere_transaction(shared) != avant:
                problemes.append(where + ": committed")
    assert not problemes, "\n".join(problemes)


def test_the_views_exempt_from_the_token_still_exist(balayage):
    """The exemptions name real views (the payment return is verified with
    the provider instead: test_paiement.py, test_payfip.py)."""
    observe, _, _ = balayage
    assert SANS_JETON <= set(observe)


# --- Redirects stay on the site ------------------------------------------------------

# A target outside the site in each parameter a view could take one from,
# and in the Referer: every redirect of every view still stays here (or
# goes to the town's own site, the logout's configured target).
CIBLES = {
    "came_from": "https://evil.example/x",
    "next": "//evil.example/x",
    "retour": "/\r\nLocation: https://evil.example/",
    "redirect": "https:evil.example",
    "url": "\\\\evil.example\\x",
    "return_to": "http://localhost.evil.example/",
}
SUR_LE_SITE = ("localhost", "www.mairie-biviers.fr")


def test_no_redirect_of_any_view_leaves_the_site(shared, monde, balayage):
    from urllib.parse import urlencode, urlsplit

    _, _, urls = balayage
    problemes, vues = [], 0
    for cle, url in sorted(urls.items()):
        vue = VUES[cle]
        full = url + ("&" if "?" in url else "?") + urlencode(CIBLES)
        for role in ("anonyme", "dupont", "admin"):
            browser, valide = _navigateur(shared, monde, role, vue)
            headers = dict(acces.en_tetes(vue), Referer="https://evil.example/")
            if vue.methode == "GET":
                response = browser.get(full, headers=headers, expect_errors=True)
            else:
                fields = dict(acces.champs_post(vue, valide), **CIBLES)
                response = browser.post(
                    full,
                    fields,
                    headers=headers,
                    extra_environ={acces.VETO: []},
                    expect_errors=True,
                )
            location = response.headers.get("Location")
            if location is None:
                continue
            vues += 1
            where = "%s %s as %s -> %s" % (vue.methode, url, role, location)
            if urlsplit(location).hostname not in SUR_LE_SITE:
                problemes.append(where)
            if "\r" in location or "\n" in location:
                problemes.append(where + ": a header break")
    assert not problemes, "\n".join(problemes)
    assert vues > 300  # redirects seen and checked


def test_the_sdi_undo_link_never_sends_back_to_another_site(shared, agent):
    """SubstanceD's "Undo" link (a GET with the session's token) redirects
    to the Referer: a foreign one is not followed."""
    token = acces.jeton_de(agent)
    url = "/manage/@@undo_recent?csrf_token=%s&undohash=x" % token
    for referer, attendu in (
        ("https://evil.example/page", "http://localhost/manage"),
        ("http://localhost.evil.example/", "http://localhost/manage"),
        ("http://localhost/manage/familles/@@contents", "http://localhost/manage/familles/"),
    ):
        response = agent.get(url, headers={"Referer": referer}, status=302)
        assert response.location.startswith(attendu), (referer, response.location)
