"""RGAA 4.1: axe-core finds no WCAG 2.1 A/AA violation on the key pages of
the family's portal, in Chromium (login, first login's password change,
home, Mon compte and its forms, the planning with its menu open, the
child's health form, the statement, the payment's return, the mailbox and
a conversation, the documents).

One DUPONT page for the module (logged in once); each test opens its page
and runs axe on it.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from portail_famille import dates
from portail_famille.demo import COMPTES, DUPONT

from ..conftest import with_root
from .axe import aucune_violation
from .conftest import TIMEOUT, _local_only
from .test_planning_actions import annees_a_venir  # noqa: F401 (LUCAS enrolled ahead)

pytestmark = pytest.mark.browser

FAMILLE = "/familles/%s/" % DUPONT["numero"]
FORMULAIRES_COMPTE = ("responsable", "conjoint", "fiscales", "caf", "bancaires")


def _connecter(page, portail, login, password):
    page.goto(portail.url("/connexion"))
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


@pytest.fixture(scope="module")
def dupont(browser, portail):
    """One page logged in as jean.dupont for the whole module."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT)
    context.route("**/*", _local_only(portail))
    page = context.new_page()
    _connecter(page, portail, "jean.dupont", COMPTES["jean.dupont"][0])
    yield page
    context.close()


@pytest.fixture(scope="module")
def lucas(portail):
    """The path of LUCAS under the family."""
    found = []

    def name(root, registry):
        enfants = root["familles"][DUPONT["numero"]]["enfants"]
        found.append(next(n for n, e in enfants.items() if e.prenom == "LUCAS"))

    with_root(portail.wsgi, name)
    return FAMILLE + "enfants/%s/" % found[0]


def planning_avec_cases(page, portail, lucas):
    """LUCAS's planning on the first month from now that has cells (in
    summer the current one has none)."""
    day = dates.today().replace(day=1)
    for _n in range(13):
        ouvrir(page, portail, lucas + "planning?mois=%04d-%02d" % (day.year, day.month))
        if page.locator("a.cellule-action").count():
            return page
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    raise AssertionError("no month with cells in a year")


def ouvrir(page, portail, path):
    response = page.goto(portail.url(path))
    assert response.status == 200, (path, response.status)
    return page


def test_login_page(portail, page):
    ouvrir(page, portail, "/connexion")
    aucune_violation(page)
    # With the error of a failed attempt shown.
    page.get_by_label("Identifiant").fill("jean.dupont")
    page.get_by_label("Mot de passe", exact=True).fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    aucune_violation(page, "the login page with its error")


def test_forced_password_change(portail, page):
    _connecter(page, portail, "marie.martin", COMPTES["marie.martin"][0])
    expect(page).to_have_url(re.compile("/mot-de-passe$"))
    aucune_violation(page)
    # With the errors of a refused password.
    page.get_by_label("Mot de passe actuel").fill(COMPTES["marie.martin"][0])
    page.get_by_label("Nouveau mot de passe", exact=True).fill("court1A")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("court1B")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    aucune_violation(page, "the password change with its errors")


def test_home(portail, dupont):
    aucune_violation(ouvrir(dupont, portail, FAMILLE))


def test_mon_compte(portail, dupont):
    aucune_violation(ouvrir(dupont, portail, FAMILLE + "mon-compte"))


@pytest.mark.parametrize("nom", FORMULAIRES_COMPTE)
def test_mon_compte_forms(portail, dupont, nom):
    aucune_violation(ouvrir(dupont, portail, FAMILLE + "demande-" + nom))


def test_mon_compte_form_with_errors(portail, dupont):
    ouvrir(dupont, portail, FAMILLE + "demande-responsable")
    dupont.get_by_label("Téléphone domicile").fill("pas un numéro")
    dupont.get_by_role("button", name="Enregistrer").click()
    dupont.wait_for_load_state()
    aucune_violation(dupont, "Infos Responsable with an error")


def test_planning_with_its_menu_open(portail, dupont, lucas):
    planning_avec_cases(dupont, portail, lucas)
    aucune_violation(dupont, "the planning")
    cellule = dupont.locator("a.cellule-action").first
    cellule.click(button="right")
    expect(dupont.get_by_role("menu", name="Demandes")).to_be_visible()
    aucune_violation(dupont, "the planning with its menu open")
    dupont.get_by_role("menuitem", name="Déclarer une absence").click()
    expect(dupont.locator("#dialogue-absence")).to_be_visible()
    aucune_violation(dupont, "the planning with the absence dialog open")


def test_child_health_form(portail, dupont, lucas):
    aucune_violation(ouvrir(dupont, portail, lucas + "demande-sanitaires"))
    # With the errors of a refused form.
    dupont.get_by_label("Téléphone du médecin traitant").fill("pas un numéro")
    dupont.get_by_label("Date du dernier rappel").fill("31/12/2999")
    dupont.get_by_role("button", name="Enregistrer").click()
    dupont.wait_for_load_state()
    expect(dupont.locator(".has-error")).to_have_count(2)
    aucune_violation(dupont, "the health form with its errors")


def test_statement(portail, dupont):
    """The statement and each of its tabs (invoices, payments...)."""
    ouvrir(dupont, portail, FAMILLE + "releve-de-compte")
    aucune_violation(dupont)
    onglets = dupont.locator("nav.onglets a")
    hrefs = onglets.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(hrefs) >= 2, hrefs
    for href in hrefs:
        aucune_violation(ouvrir(dupont, portail, href))


def test_payment_and_its_return(portail, dupont):
    ouvrir(dupont, portail, FAMILLE + "factures/AL-36/payer")
    aucune_violation(dupont, "the payment form")
    dupont.get_by_role("button", name=re.compile("^Payer")).click()
    expect(dupont.get_by_role("heading", name="Banque simulée")).to_be_visible()
    aucune_violation(dupont, "the simulated bank")
    dupont.get_by_role("button", name="Refuser", exact=True).click()
    expect(dupont.get_by_text("Paiement refusé")).to_be_visible()
    assert "/retour-paiement/" in dupont.url
    aucune_violation(dupont, "the payment's return")


@pytest.mark.parametrize("onglet", ["recus", "envoyes", "nouveau"])
def test_mailbox(portail, dupont, onglet):
    aucune_violation(ouvrir(dupont, portail, FAMILLE + "boite-de-reception?onglet=" + onglet))


def test_new_message_with_errors(portail, dupont):
    ouvrir(dupont, portail, FAMILLE + "boite-de-reception?onglet=nouveau")
    dupont.get_by_role("button", name="Envoyer le message").click()
    dupont.wait_for_load_state()
    expect(dupont.locator(".alert-danger[role=alert]")).to_contain_text(
        "Le message n'a pas été envoyé"
    )
    aucune_violation(dupont, "the new message with its errors")


def test_conversation(portail, dupont):
    ouvrir(dupont, portail, FAMILLE + "boite-de-reception?onglet=recus")
    dupont.locator("table th[scope=row] a").first.click()
    dupont.wait_for_load_state()
    assert "/messages/" in dupont.url
    aucune_violation(dupont, "a conversation")


def test_documents(portail, dupont):
    aucune_violation(ouvrir(dupont, portail, FAMILLE + "documents"))


def test_every_page_of_the_family_menu(portail, dupont):
    """Every entry of the family's menu (Mes enfants, Inscriptions, Mes
    factures...), and the pages a parent reaches from it."""
    ouvrir(dupont, portail, FAMILLE)
    menu = dupont.get_by_role("navigation", name="Menu principal").get_by_role("link")
    hrefs = menu.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(hrefs) >= 5, hrefs
    for href in hrefs + [FAMILLE + "liste-des-demandes"]:
        aucune_violation(ouvrir(dupont, portail, href))


def test_child_pages(portail, dupont, lucas):
    for path in ("", "demande-autorisations", "planning-jour"):
        dupont.goto(portail.url(lucas + path))
        aucune_violation(dupont)


def test_key_pages_on_a_phone(portail, new_page, log_in, lucas):
    """375 px wide: the header, the day list and its menu as a phone shows
    them (the list's link opens the menu on a right-click or a long press)."""
    page = new_page(viewport={"width": 375, "height": 740})
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    aucune_violation(page, "home at 375 px")
    planning_avec_cases(page, portail, lucas)
    page.locator("ol.planning-liste a.cellule-action").first.click(button="right")
    expect(page.get_by_role("menu", name="Demandes")).to_be_visible()
    aucune_violation(page, "the planning at 375 px, its menu open")
    aucune_violation(ouvrir(page, portail, FAMILLE + "boite-de-reception?onglet=nouveau"))


def test_error_page_and_forgotten_password(portail, page):
    response = page.goto(portail.url("/familles/pas-une-famille/rien"))
    assert response.status == 404
    aucune_violation(page, "the 404 page")
    aucune_violation(ouvrir(page, portail, "/mot-de-passe-oublie"))


def test_axe_does_report_a_violation(page):
    """The harness itself: a field without a label and an image without
    text are reported, with their rule and target."""
    page.set_content(
        '<!DOCTYPE html><html lang="fr"><title>t</title><main>'
        '<img src="data:,"><input type="text" id="nu"></main></html>'
    )
    with pytest.raises(AssertionError) as raised:
        aucune_violation(page, "a broken page")
    assert "image-alt (critical): img" in str(raised.value)
    assert "label (critical): #nu" in str(raised.value)
