"""The staff's search by name (issue 18, item 2): /manage/@@recherche finds
a family by a name's beginning, any case, accents or not, its number, email
or phone; shows names, children and state, never an internal id; agents,
régisseurs and administrators only; kept up to date when the family or a
child changes."""

import datetime
import re

import webtest

from portail_famille import departs
from portail_famille.demandes import service
from portail_famille.demo import COMPTES, DUPONT, MARTIN

from ..conftest import ADMIN, login, with_root
from .test_enfants import enfants, traiter

RECHERCHE = "/manage/@@recherche"


def lignes(page):
    """Each result row's text, whitespace collapsed."""
    return [
        " ".join(tr.get_text(" ").split())
        for tr in page.html.select(".resultats-recherche tbody tr")
    ]


def numeros(page):
    return [re.search(r"N° famille (\d+)", ligne).group(1) for ligne in lignes(page)]


def test_an_agent_finds_dupont_by_the_beginning_of_his_name(shared, agent):
    page = agent.get(RECHERCHE, {"q": "dup"})
    assert numeros(page) == [DUPONT["numero"]]
    (ligne,) = lignes(page)
    assert "DUPONT JEAN" in ligne and "LUCAS" in ligne and " ans" in ligne
    assert "Active" in ligne
    link = page.html.select_one(".resultats-recherche tbody a")["href"]
    assert link.endswith("/manage/familles/%s/@@fiche" % DUPONT["numero"])
    # no child's internal name anywhere in the result
    lucas_id = enfants(shared)["LUCAS"][0]
    assert lucas_id not in page.text
    # the staff's own tab bar, not SubstanceD's (its cost); no comment of
    # the template
    (barre,) = page.html.select(".nav-tabs")
    assert "onglets-personnel" in barre["class"]
    assert barre.select_one("li.active a").get_text(strip=True) == "Recherche"
    assert "tab bar" not in page.text
    # the box is on the page, with its query
    assert page.html.select_one("form.recherche-familles input[name=q]")["value"] == "dup"


def test_case_accents_first_names_number_email_phone(agent):
    martin = MARTIN["numero"]
    for query, numero in (
        ("DUPONT", DUPONT["numero"]),
        ("lucas", DUPONT["numero"]),
        ("jeanne dup", DUPONT["numero"]),
        ("chloe", martin),  # CHLOÉ
        ("Chloé MAR", martin),
        ("jean.dupont@wanadoo", DUPONT["numero"]),
        (DUPONT["numero"][:8], DUPONT["numero"]),
        ("01 02 03 04 05", DUPONT["numero"]),  # stored 01.02.03.04.05
        ("+33 1 02 03", DUPONT["numero"]),
        ("04-76-00", martin),
    ):
        assert numero in numeros(agent.get(RECHERCHE, {"q": query})), query
    page = agent.get(RECHERCHE, {"q": "dupontx"})
    assert numeros(page) == [] and "Aucune famille trouvée." in page.text


def deposer(app, type_demande, valeurs, enfant=None):
    """A request of DUPONT's, as the parent's form deposits it; its name."""

    def write(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        demande, _r = service.deposer(
            famille, type_demande, valeurs(famille), "jean.dupont", registry, enfant=enfant
        )
        return demande.__name__

    return with_root(app.app, write)


def test_an_accepted_change_of_the_family_name_updates_the_search(app):
    agent = staff(app, "agent")
    name = deposer(app, "responsable", lambda f: dict(f.responsable, nom="LEFÈVRE"))
    assert numeros(agent.get(RECHERCHE, {"q": "lefev"})) == []
    page, done = traiter(app, agent, name, accepter="1")
    assert done.status_int == 302
    assert numeros(agent.get(RECHERCHE, {"q": "lefev"})) == [DUPONT["numero"]]
    assert numeros(agent.get(RECHERCHE, {"q": "LEFÈ"})) == [DUPONT["numero"]]
    assert "LEFÈVRE JEAN" in lignes(agent.get(RECHERCHE, {"q": "lefevre jean"}))[0]


def test_an_accepted_new_child_and_a_renamed_child_are_found(app):
    agent = staff(app, "agent")
    name = deposer(
        app,
        "nouvel_enfant",
        lambda f: {
            "nom": "DUPONT",
            "prenom": "ÉLODIE",
            "sexe": "Fille",
            "date_naissance": datetime.date(2018, 3, 1),
        },
    )
    assert numeros(agent.get(RECHERCHE, {"q": "elod"})) == []
    page, done = traiter(app, agent, name, accepter="1")
    assert done.status_int == 302
    assert "ELODIE" not in enfants(app) and "ÉLODIE" in enfants(app)
    page = agent.get(RECHERCHE, {"q": "elod"})
    assert numeros(page) == [DUPONT["numero"]] and "ÉLODIE" in lignes(page)[0]
    # The child's identity changed in its record (SDI tab Identité).
    lucas = enfants(app)["LUCAS"][0]
    form = agent.get("/manage/familles/%s/enfants/%s/@@properties" % (DUPONT["numero"], lucas))
    form = form.forms["deform"]
    form["prenom"] = "LÉON"
    form.submit("save", status=302)
    assert "LÉON" in enfants(app)
    assert numeros(agent.get(RECHERCHE, {"q": "leon"})) == [DUPONT["numero"]]
    assert numeros(agent.get(RECHERCHE, {"q": "lucas"})) == []


def test_a_result_shows_a_renamed_child_and_a_departure(app):
    """What a result shows is the family's summary kept in the catalog:
    it follows a child renamed in its record and the family's departure."""
    agent = staff(app, "agent")
    (ligne,) = lignes(agent.get(RECHERCHE, {"q": "dupont jean"}))
    assert "LUCAS" in ligne and "LÉON" not in ligne and "Active" in ligne
    lucas = enfants(app)["LUCAS"][0]
    form = agent.get("/manage/familles/%s/enfants/%s/@@properties" % (DUPONT["numero"], lucas))
    form = form.forms["deform"]
    form["prenom"] = "LÉON"
    form.submit("save", status=302)
    (ligne,) = lignes(agent.get(RECHERCHE, {"q": "dupont jean"}))
    assert "LÉON, " in ligne and "LUCAS" not in ligne

    def partir(root, registry):
        departs.archiver(root["familles"][DUPONT["numero"]], datetime.date(2026, 7, 31))

    with_root(app.app, partir)
    (ligne,) = lignes(agent.get(RECHERCHE, {"q": "dupont jean"}))
    assert "Partie le 31/07/2026" in ligne and "Active" not in ligne


def test_state_shows_requests_waiting(app):
    agent = staff(app, "agent")
    deposer(app, "responsable", lambda f: dict(f.responsable, mobile="06 00 00 00 01"))
    (ligne,) = lignes(agent.get(RECHERCHE, {"q": "dupont jean"}))
    assert "1 demande(s) en attente" in ligne


def test_results_escape_markup(app):
    def write(root, registry):
        famille = root["familles"][DUPONT["numero"]]
        famille.conjoint["prenom"] = "<b>JEANNE</b>"
        from substanced.util import find_catalog

        find_catalog(famille, "portail").reindex_resource(famille)

    with_root(app.app, write)
    page = staff(app, "agent").get(RECHERCHE, {"q": "<b>dup"})
    assert "<b>JEANNE</b>" not in page.text and "&lt;b&gt;JEANNE&lt;/b&gt;" in page.text
    assert "<b>dup" not in page.text


def test_who_may_search(shared, regisseur, admin, editeur, dupont, anonymous):
    for browser in (regisseur, admin):
        assert numeros(browser.get(RECHERCHE, {"q": "dup"})) == [DUPONT["numero"]]
    page = editeur.get(RECHERCHE, {"q": "dup"}, status=403)
    assert "LUCAS" not in page.text
    # A parent is sent back to his home, as from any SDI page.
    page = dupont.get(RECHERCHE, {"q": "dup"}, status=302)
    assert "/manage" not in page.location and "LUCAS" not in page.text
    page = anonymous.get(RECHERCHE, {"q": "dup"}, status=302)
    assert "/connexion" in page.location and "LUCAS" not in page.text


def staff(app, role):
    browser = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    login(browser, role, ADMIN[1] if role == ADMIN[0] else COMPTES[role][0])
    return browser
