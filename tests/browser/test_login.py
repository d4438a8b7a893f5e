"""Login, first login, home page on a phone, keyboard, logout: in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from portail_famille.demo import COMPTES, DUPONT, MARTIN

from .conftest import SITE_COMMUNE
from .largeur import largeur

pytestmark = pytest.mark.browser

DUPONT_URL = "/familles/%s/" % DUPONT["numero"]
MARTIN_URL = "/familles/%s/" % MARTIN["numero"]
PHONE = {"width": 375, "height": 667}


def fiche(page, label):
    """The value beside ``label`` in the Responsable box."""
    box = page.get_by_role("region", name="Responsable")
    return box.locator("xpath=.//dt[normalize-space()='%s']/following-sibling::dd[1]" % label)


def url_is(portail, path):
    return re.compile("^" + re.escape(portail.url(path)) + "$")


def test_dupont_lands_on_his_home_page(portail, page, log_in):
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])

    expect(page).to_have_url(url_is(portail, DUPONT_URL))
    expect(page).to_have_title("Accueil — Portail Famille")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue sur le Portail Famille")
    expect(page.locator(".bienvenue")).to_contain_text(
        "Bienvenue JEAN DUPONT, vous avez 1 Nouveau(x) Message(s)"
    )
    expect(page.get_by_role("heading", name="Responsable")).to_be_visible()
    expect(fiche(page, "Nom :")).to_have_text("DUPONT")
    expect(fiche(page, "N° Famille :")).to_have_text(DUPONT["numero"])
    expect(fiche(page, "Prénom :")).to_have_text("JEAN")
    menu = page.get_by_role("navigation", name="Menu principal")
    expect(menu.get_by_role("link", name="Accueil")).to_have_attribute("aria-current", "page")


def test_martin_must_choose_a_password_first(portail, page, log_in):
    old = COMPTES["marie.martin"][0]
    log_in(page, "marie.martin", old)
    expect(page).to_have_url(url_is(portail, "/mot-de-passe"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Première connexion : choisissez votre mot de passe"
    )

    # Her home page is not open yet.
    page.goto(portail.url(MARTIN_URL))
    expect(page).to_have_url(url_is(portail, "/mot-de-passe"))

    # A password that breaks the rules is refused, on the same page.
    page.get_by_label("Mot de passe actuel").fill(old)
    page.get_by_label("Nouveau mot de passe", exact=True).fill("court1A")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("court1A")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#new-erreur")).to_contain_text("au moins 8 caractères")
    expect(page).to_have_url(url_is(portail, "/mot-de-passe"))

    new = "Tilleuls-Biviers38"
    page.get_by_label("Mot de passe actuel").fill(old)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(new)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(new)
    page.get_by_role("button", name="Enregistrer").click()

    expect(page).to_have_url(url_is(portail, MARTIN_URL))
    expect(page.get_by_role("status")).to_contain_text("Votre mot de passe a été modifié.")
    expect(page.locator(".bienvenue")).to_contain_text("Bienvenue MARIE MARTIN")
    expect(fiche(page, "Nom :")).to_have_text("MARTIN")
    expect(fiche(page, "N° Famille :")).to_have_text(MARTIN["numero"])
    # ... and stays open: the home page no longer sends her to the form.
    page.goto(portail.url(MARTIN_URL))
    expect(page).to_have_url(url_is(portail, MARTIN_URL))


def _scroll_width(page):
    return largeur(page)


def _focused(page):
    """(tag, accessible text, left, right) of the focused element."""
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            const r = e.getBoundingClientRect();
            return [e.tagName.toLowerCase(), (e.innerText || e.textContent || '').trim(),
                    e.id, r.left, r.right];
        }"""
    )


def test_home_page_on_a_phone_and_with_the_keyboard(portail, new_page, log_in):
    page = new_page(viewport=PHONE)
    page.goto(portail.url("/connexion"))
    assert _scroll_width(page) <= PHONE["width"]
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    expect(page).to_have_url(url_is(portail, DUPONT_URL))
    assert _scroll_width(page) <= PHONE["width"], "horizontal scroll at 375 px"

    # First Tab: the skip link, shown on screen while it has the focus.
    page.keyboard.press("Tab")
    tag, text, _id, left, right = _focused(page)
    assert (tag, text) == ("a", "Aller au contenu")
    assert 0 <= left and right <= PHONE["width"]
    # Then the menu, in order, every stop on screen.
    stops = []
    for _ in range(14):
        page.keyboard.press("Tab")
        tag, text, _id, left, right = _focused(page)
        assert 0 <= left and right <= PHONE["width"], (text, left, right)
        stops.append((tag, text))
        if text == "Déconnexion":
            break
    assert stops == [
        ("a", "Portail Famille"),
        ("a", "1 Nouveau(x) Message(s)"),  # a link to them (issue 20)
        ("a", "Accueil"),
        ("a", "Mon compte"),
        ("a", "Mes enfants"),
        ("a", "Relevé de compte"),
        ("a", "Boîte de réception"),
        ("a", "Liste des demandes"),
        ("a", "Inscriptions aux activités"),  # online enrolment (issue 21)
        ("a", "Infos/Documents - Formulaires"),
        ("a", "Mot de passe"),
        ("button", "Déconnexion"),
    ]

    # The skip link moves the focus to the content.
    page.goto(portail.url(DUPONT_URL))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert _focused(page)[2] == "contenu"
    expect(page).to_have_url(url_is(portail, DUPONT_URL + "#contenu"))

    # A menu link works from the keyboard.
    page.goto(portail.url(DUPONT_URL))
    for _ in range(12):  # the skip link, then the menu's stops to "Mot de passe"
        page.keyboard.press("Tab")
    assert _focused(page)[1] == "Mot de passe"
    page.keyboard.press("Enter")
    expect(page).to_have_url(url_is(portail, "/mot-de-passe"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Changer de mot de passe")
    assert _scroll_width(page) <= PHONE["width"]


def test_wrong_password_is_refused(portail, page, log_in):
    log_in(page, "jean.dupont", "Pas-le-bon-31400")

    expect(page.get_by_role("alert")).to_have_text("Identifiant ou mot de passe incorrect.")
    expect(page).to_have_url(url_is(portail, "/connexion"))
    expect(page.get_by_label("Identifiant")).to_have_value("jean.dupont")
    expect(page.get_by_label("Mot de passe", exact=True)).to_have_value("")
    # Still anonymous: the home page asks to log in.
    page.goto(portail.url(DUPONT_URL))
    expect(page).to_have_url(re.compile(re.escape(portail.url("/connexion?came_from="))))


def _cookie_names(page):
    return {cookie["name"] for cookie in page.context.cookies()}


def test_logout_ends_the_session(portail, page, log_in):
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    expect(page).to_have_url(url_is(portail, DUPONT_URL))
    assert "pf_auth" in _cookie_names(page)

    page.get_by_role("button", name="Déconnexion").click()
    page.wait_for_url(SITE_COMMUNE + "/")
    assert "pf_auth" not in _cookie_names(page)

    page.goto(portail.url(DUPONT_URL))
    expect(page).to_have_url(re.compile(re.escape(portail.url("/connexion?came_from="))))
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()


def test_logout_lands_on_the_town_site(portail, page, log_in):
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    expect(page).to_have_url(url_is(portail, DUPONT_URL))

    with page.expect_request(SITE_COMMUNE + "/", timeout=3000) as redirected:
        page.get_by_role("button", name="Déconnexion").click()
    assert redirected.value.url == SITE_COMMUNE + "/"
    expect(page.get_by_text("Site de la commune (stub)")).to_be_visible()
