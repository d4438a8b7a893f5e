"""The phone-first planning (issue 20, item 1) in Chromium: the month as a
list of days on an iPhone 13 and a Pixel 7 (Playwright's descriptors), one
tap to ask or cancel, a long press that opens the menu and chooses nothing
until a separate tap (real touches through the DevTools protocol), no page
wider than the screen, tap targets of at least 24x24 px; the whole month on
a 1366x900 laptop and the sticky row labels when a narrower screen
scrolls the grid.

The server lives for the whole module; LUCAS is enrolled in the school
years of the coming months (test_planning_actions' ``annees_a_venir``).
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from .appareils import IPHONE_13, PIXEL_7
from .axe import aucune_violation
from .test_planning_actions import (  # noqa: F401 (annees_a_venir: a fixture)
    CANTINE,
    MERCREDI,
    _premier_jour,
    annees_a_venir,
    declarer,
    flash,
    item,
    menu,
    planning,
)

pytestmark = pytest.mark.browser

PRISES = set()
# The interactive elements of the page smaller than 24x24 px (WCAG 2.5.8).
_PETITES_CIBLES = """() => Array.from(document.querySelectorAll(
        "main a[href], main button, main input, main select, main textarea, main summary"))
    .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden")
    .filter(e => { const r = e.getBoundingClientRect(); return r.width < 24 || r.height < 24; })
    .map(e => e.outerHTML.slice(0, 120))"""


def item_du_jour(page, titre, day):
    """The list's link of ``titre`` on ``day``."""
    return (
        page.locator("ol.planning-liste li.activite-jour")
        .filter(has=page.locator(".activite", has_text=re.compile("^%s$" % re.escape(titre))))
        .locator('a.cellule-action[data-date="%s"]' % day.isoformat())
    )


def etat_du_jour(page, titre, day):
    return item_du_jour(page, titre, day).locator("xpath=preceding-sibling::span[1]")


def choisir(page, base, titre, action):
    """The first date at least a week ahead whose list link of ``titre``
    does ``action`` ("reservation": a free day; "absence": a booked one),
    not taken by another test; leaves ``page`` on its month."""
    debut = _premier_jour()
    for mois in range(12):
        day = datetime.date(
            debut.year + (debut.month - 1 + mois) // 12, (debut.month - 1 + mois) % 12 + 1, 1
        )
        page.goto(base + "?mois=%04d-%02d" % (day.year, day.month))
        liens = page.locator("ol.planning-liste li.activite-jour").filter(
            has=page.locator(".activite", has_text=re.compile("^%s$" % re.escape(titre)))
        )
        for iso in liens.locator('a[data-action="%s"]' % action).evaluate_all(
            "as => as.map(a => a.getAttribute('data-date'))"
        ):
            found = datetime.date.fromisoformat(iso)
            if found >= debut and found not in PRISES:
                PRISES.add(found)
                return found
    raise AssertionError("no %s day for %s in a year" % (action, titre))


# A long press as the page sees it: touchstart, then touchend on what is
# under the finger and, as browsers do unless touchend was cancelled, a
# click there (what DevTools' touch emulation showed: the release clicked
# the menu item opened under the finger).
_APPUI_SYNTHETIQUE = """async (a, ms) => {
    const r = a.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    const t = new Touch({identifier: 1, target: a, clientX: x, clientY: y});
    a.dispatchEvent(new TouchEvent("touchstart", {bubbles: true, cancelable: true,
        touches: [t], targetTouches: [t], changedTouches: [t]}));
    await new Promise(done => setTimeout(done, ms));
    // A finger is no point: the release lands a little inside the menu.
    const dessous = document.elementFromPoint(x + 10, y + 10);
    const fin = new Touch({identifier: 1, target: a, clientX: x, clientY: y});
    const libre = a.dispatchEvent(new TouchEvent("touchend", {bubbles: true, cancelable: true,
        touches: [], targetTouches: [], changedTouches: [fin]}));
    if (libre) {
        dessous.dispatchEvent(new MouseEvent("click", {bubbles: true, cancelable: true,
            clientX: x + 10, clientY: y + 10}));
    }
    return [libre, dessous.outerHTML.slice(0, 80)];
}"""


def appui_long(page, locator, ms=800, synthetique=False):
    """A long press of ``ms``: real touches through the DevTools protocol,
    or ``synthetique`` (_APPUI_SYNTHETIQUE)."""
    locator.scroll_into_view_if_needed()
    if synthetique:
        locator.evaluate(_APPUI_SYNTHETIQUE, ms)
        return
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    page.wait_for_timeout(ms)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def sans_defilement_de_page(page):
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("appareil", [IPHONE_13, PIXEL_7], ids=["iPhone 13", "Pixel 7"])
def test_on_a_phone_the_month_is_a_list_of_days(portail, new_page, log_in, appareil):
    page = new_page(**appareil)
    base = planning(portail, page, log_in)
    debut = _premier_jour()
    page.goto(base + "?mois=%04d-%02d" % (debut.year, debut.month))
    expect(page.locator(".planning-defilant")).to_be_hidden()
    expect(page.locator("ol.planning-liste")).to_be_visible()
    expect(page.locator("ol.planning-liste h3").first).to_be_visible()
    # The hint of a touch screen, not the mouse's.
    expect(page.get_by_text("Touchez un jour", exact=False)).to_be_visible()
    expect(page.get_by_text("Cliquer droit", exact=False)).to_be_hidden()
    sans_defilement_de_page(page)
    assert page.evaluate(_PETITES_CIBLES) == []
    aucune_violation(page, "the day list")


def test_one_tap_books_a_free_day_and_another_declares_an_absence(portail, new_page, log_in):
    page = new_page(**IPHONE_13)
    base = planning(portail, page, log_in)
    day = choisir(page, base, MERCREDI, "reservation")
    lien = item_du_jour(page, MERCREDI, day)
    expect(lien).to_contain_text("Demande de Réservation")
    lien.tap()
    page.wait_for_load_state()
    expect(flash(page)).to_have_text(
        "Réservation enregistrée : Mercredi après-midi, le %s." % day.strftime("%d/%m/%Y")
    )
    expect(etat_du_jour(page, MERCREDI, day)).to_have_text("✓ Réservé")
    expect(item_du_jour(page, MERCREDI, day)).to_contain_text("Déclarer une absence")
    sans_defilement_de_page(page)
    # A canteen day of the contract: one tap opens the absence dialog.
    day = choisir(page, base, CANTINE, "absence")
    item_du_jour(page, CANTINE, day).tap()
    expect(page.locator("#dialogue-absence .cellule-choisie")).to_have_text(
        re.compile(r"^%s, \w+ %d " % (CANTINE, day.day))
    )
    declarer(page)
    expect(flash(page)).to_have_text(
        "Absence enregistrée : Restauration scolaire, le %s." % day.strftime("%d/%m/%Y")
    )
    expect(etat_du_jour(page, CANTINE, day)).to_have_text("A Absent excusé")


@pytest.mark.parametrize("synthetique", [False, True], ids=["touch", "synthetic"])
def test_a_long_press_opens_the_menu_and_chooses_nothing(portail, new_page, log_in, synthetique):
    page = new_page(**IPHONE_13)
    base = planning(portail, page, log_in)
    day = choisir(page, base, MERCREDI, "reservation")
    url = page.url
    lien = item_du_jour(page, MERCREDI, day)
    appui_long(page, lien, synthetique=synthetique)
    expect(menu(page)).to_be_visible()
    # The finger's release booked nothing: the same page, the day free.
    page.wait_for_timeout(800)
    assert page.url == url
    expect(menu(page)).to_be_visible()
    expect(etat_du_jour(page, MERCREDI, day)).to_have_text("Libre")
    sans_defilement_de_page(page)
    box = menu(page).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    # A separate tap chooses.
    item(page, "Demande de Réservation").tap()
    page.wait_for_load_state()
    expect(etat_du_jour(page, MERCREDI, day)).to_have_text("✓ Réservé")


@pytest.mark.parametrize("largeur", [1280, 1366])
def test_on_a_laptop_the_whole_month_is_visible(portail, new_page, log_in, largeur):
    page = new_page(viewport={"width": largeur, "height": 900})
    base = planning(portail, page, log_in)
    for mois in ("2015-04", "2026-12", "2027-03"):  # 30, 31 days
        page.goto(base + "?mois=" + mois)
        grille = page.locator(".planning-defilant")
        expect(grille).to_be_visible()
        expect(page.locator("ol.planning-liste")).to_be_hidden()
        largeurs = grille.evaluate(
            "e => [e.querySelector('table').scrollWidth, e.scrollWidth, e.clientWidth]"
        )
        assert largeurs[0] <= largeurs[2] and largeurs[1] <= largeurs[2], largeurs
        sans_defilement_de_page(page)
        dernier = page.locator("table.planning-grille thead th").last.bounding_box()
        assert dernier["x"] + dernier["width"] <= largeur
    expect(page.get_by_text("Cliquer droit", exact=False)).to_be_visible()


def test_the_row_labels_stay_when_the_grid_scrolls(portail, new_page, log_in):
    page = new_page(viewport={"width": 800, "height": 900})
    base = planning(portail, page, log_in)
    page.goto(base + "?mois=2026-12")
    grille = page.locator(".planning-defilant")
    assert grille.evaluate("e => e.scrollWidth > e.clientWidth")
    titre = page.locator("table.planning-grille tbody th").first
    responsable = page.locator("table.planning-grille td.responsable").first
    avant = (titre.bounding_box()["x"], responsable.bounding_box()["x"])
    grille.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    page.wait_for_timeout(100)
    apres = (titre.bounding_box()["x"], responsable.bounding_box()["x"])
    assert apres == avant
    # The last day's column came into view, beside the labels.
    dernier = page.locator("table.planning-grille thead th").last.bounding_box()
    assert dernier["x"] + dernier["width"] <= 800
    assert dernier["x"] >= avant[1]
    sans_defilement_de_page(page)
