"""Reservations and absences from the planning grid's menu, in Chromium.

The menu of a cell (right-click, ctrl-click, click, long press, keyboard),
"Demande de Réservation", the absence dialog (reason + confirmation), the
flash messages after the redirect, the "one change per cell" refusal, and
the menu inside a 600 px viewport (the grid's narrowest: under 600 px the
month is a list of days, test_planning_telephone).

The server lives for the whole module (conftest's ``portail``): each test
takes its own dates, picked from the grid (free Wednesdays of "Mercredi
après-midi", the canteen's contract days), at least a week ahead so that no
deadline gets in the way.  Whatever today is, LUCAS is enrolled in the
school years of the coming months (``annees_a_venir``): in summer the
demo's own year is over.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from portail_famille import dates
from portail_famille.dates import en_toutes_lettres
from portail_famille.demo import COMPTES, DUPONT

from ..conftest import with_root

pytestmark = pytest.mark.browser

MERCREDI = "Accueil de Loisirs ALSH Mercredi après-midi"
CANTINE = "Garderie périscolaire Restauration scolaire"
BOITE = "Boîte de réception"
# The dates the tests of this module have taken (one server per module).
PRISES = set()


def _premier_jour():
    return dates.today() + datetime.timedelta(days=7)


def _libelle(day):
    """The school year (1 September -> 5 July) of ``day``, or the next one
    in summer."""
    start = day.year if (day.month, day.day) > (7, 5) else day.year - 1
    return "%d-%d" % (start, start + 1), start


@pytest.fixture(scope="module", autouse=True)
def annees_a_venir(portail):
    """LUCAS enrolled in "Mercredi après-midi" and in the canteen with the
    demo's contract (its days booked) for the school years of the next
    three months."""
    from substanced.util import get_oid

    from portail_famille.inscriptions import cle, inscrire
    from portail_famille.planning.service import reserver_contrat

    def enrol(root, registry):
        calendrier = root["calendrier"]
        enfant = next(
            e for e in root["familles"][DUPONT["numero"]]["enfants"].values() if e.prenom == "LUCAS"
        )
        for day in (_premier_jour(), _premier_jour() + datetime.timedelta(days=90)):
            libelle, start = _libelle(day)
            if libelle not in calendrier:
                annee = registry.content.create(
                    "AnneeScolaire",
                    libelle=libelle,
                    debut=datetime.date(start, 9, 1),
                    fin=datetime.date(start + 1, 7, 5),
                )
                calendrier.add(libelle, annee, registry=registry)
            debut = calendrier[libelle].debut
            for path, jours in (
                (("accueil-de-loisirs-alsh", "mercredi-apres-midi"), ()),
                (("garderie-periscolaire", "restauration-scolaire"), ("1", "2", "4", "5")),
            ):
                oid = get_oid(root["structures"][path[0]][path[1]])
                if cle(libelle, oid) not in enfant.inscriptions:
                    inscription = inscrire(enfant, oid, libelle, debut, jours)
                    reserver_contrat(enfant, inscription, registry.settings)

    with_root(portail.wsgi, enrol)


def planning(portail, page, log_in, **viewport):
    """Log in as the DUPONT parent and open LUCAS's planning; its URL
    (without the month)."""
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    page.goto(portail.url("/familles/%s/mes-enfants" % DUPONT["numero"]))
    page.get_by_role("link", name="LUCAS").first.click()
    page.get_by_role("link", name="Planning").click()
    return page.url.split("?")[0]


def ligne(page, titre):
    return page.locator("table.planning-grille tbody tr").filter(
        has=page.get_by_role("rowheader", name=titre, exact=True)
    )


def cellule(page, titre, day):
    return ligne(page, titre).locator('a.cellule-action[data-date="%s"]' % day.isoformat())


def lien_du_jour(page, titre, day):
    """The day list's link of the row ``titre`` on ``day`` (under 600 px)."""
    return (
        page.locator("ol.planning-liste li.activite-jour")
        .filter(has_text=titre)
        .locator('a.cellule-action[data-date="%s"]' % day.isoformat())
    )


def case(page, titre, day):
    """The <td> of the cell."""
    return cellule(page, titre, day).locator("xpath=..")


_DATES = """(liens, etat) => liens
    .filter(a => etat ? a.parentElement.className === etat : !a.parentElement.className)
    .map(a => a.getAttribute("data-date"))"""


def choisir(page, base, titre, etat=None):
    """The first date of the row ``titre`` at least a week ahead, not taken
    by another test, whose cell has the class ``etat`` alone (None: a free
    cell, no class).  Leaves ``page`` on its month, reached with "Mois
    suivant"."""
    debut = _premier_jour()
    page.goto(base + "?mois=%04d-%02d" % (debut.year, debut.month))
    for _mois in range(12):
        liens = ligne(page, titre).locator("a.cellule-action")
        for iso in liens.evaluate_all(_DATES, etat):
            day = datetime.date.fromisoformat(iso)
            if day >= debut and day not in PRISES:
                PRISES.add(day)
                return day
        page.get_by_role("link", name="Mois suivant").click()
        page.wait_for_load_state()
    raise AssertionError("no %s cell in %s for a year" % (etat or "free", titre))


def menu(page):
    return page.get_by_role("menu", name="Demandes")


def item(page, name):
    return menu(page).get_by_role("menuitem", name=name)


def dialogue(page):
    return page.locator("#dialogue-absence")


def dans_la_fenetre(page, locator):
    box = locator.bounding_box()
    size = page.viewport_size
    assert box is not None
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= size["width"], (box, size)
    assert box["y"] + box["height"] <= size["height"], (box, size)


def flash(page):
    """The flash of a success (``role=status``; refusals are ``role=alert``)."""
    return page.locator(".messages[role=status] .flash")


def _jj_mm_aaaa(day):
    return day.strftime("%d/%m/%Y")


def attendre_reserve(page, day):
    """The grid came back with ``day`` booked and the flash."""
    expect(flash(page)).to_have_text(
        "Réservation enregistrée : Mercredi après-midi, le %s." % _jj_mm_aaaa(day)
    )
    td = case(page, MERCREDI, day)
    expect(td).to_have_class("etat-reserve")
    expect(td.locator(".marque")).to_have_text("✓")
    expect(td).to_contain_text("Réservé")


def declarer(page, motif="Rendez-vous chez le médecin"):
    """Fill and send the open absence dialog with the mouse."""
    expect(dialogue(page)).to_be_visible()
    dialogue(page).get_by_label("Raison de l'absence").fill(motif)
    dialogue(page).get_by_label("Je confirme cette absence.").check()
    dialogue(page).get_by_role("button", name="Confirmer l'absence").click()
    page.wait_for_load_state()


def attendre_absent(page, day):
    expect(flash(page)).to_have_text(
        "Absence enregistrée : Restauration scolaire, le %s." % _jj_mm_aaaa(day)
    )
    td = case(page, CANTINE, day)
    expect(td).to_have_class("etat-absent_excuse")
    expect(td.locator(".marque")).to_have_text("A")
    expect(td).to_contain_text("Absent excusé")


def test_right_click_books_a_free_wednesday(portail, new_page, log_in):
    page = new_page(viewport={"width": 1280, "height": 800})
    base = planning(portail, page, log_in)
    day = choisir(page, base, MERCREDI)
    assert day.weekday() == 2
    cell = cellule(page, MERCREDI, day)
    expect(cell).to_have_attribute("aria-haspopup", "menu")
    expect(menu(page)).to_be_hidden()
    cell.click(button="right")
    expect(menu(page)).to_be_visible()
    expect(item(page, "Demande de Réservation")).to_be_focused()
    dans_la_fenetre(page, menu(page))
    item(page, "Demande de Réservation").click()
    page.wait_for_load_state()
    assert page.url.endswith("?mois=%04d-%02d" % (day.year, day.month))
    attendre_reserve(page, day)
    expect(page.locator(".messages.erreurs")).to_have_count(0)


def test_ctrl_click_and_plain_click_open_the_menu(portail, new_page, log_in):
    page = new_page(viewport={"width": 1280, "height": 800})
    base = planning(portail, page, log_in)
    day = choisir(page, base, MERCREDI)
    cell = cellule(page, MERCREDI, day)
    url = page.url
    cell.click(modifiers=["Control"])
    expect(menu(page)).to_be_visible()
    # No navigation, no new tab.
    assert page.url == url
    assert len(page.context.pages) == 1
    # A click elsewhere closes it, a plain click opens it again.
    page.locator("h1").click()
    expect(menu(page)).to_be_hidden()
    cell.click()
    expect(menu(page)).to_be_visible()
    assert page.url == url
    dans_la_fenetre(page, menu(page))


def test_long_press_opens_the_menu_at_600px(portail, new_page, log_in):
    page = new_page(viewport={"width": 600, "height": 740}, has_touch=True, is_mobile=True)
    base = planning(portail, page, log_in)
    day = choisir(page, base, MERCREDI)
    cell = cellule(page, MERCREDI, day)
    cell.scroll_into_view_if_needed()
    toucher = """(a, fin) => {
        const r = a.getBoundingClientRect();
        const t = new Touch({identifier: 1, target: a,
                             clientX: r.left + r.width / 2, clientY: r.top + r.height / 2});
        const type = fin ? "touchend" : "touchstart";
        const touches = fin ? [] : [t];
        a.dispatchEvent(new TouchEvent(type, {bubbles: true, cancelable: true,
            touches: touches, targetTouches: touches, changedTouches: [t]}));
    }"""
    # A short touch (the finger lifts before 500 ms) opens nothing.
    cell.evaluate(toucher, False)
    page.wait_for_timeout(100)
    cell.evaluate(toucher, True)
    page.wait_for_timeout(700)
    expect(menu(page)).to_be_hidden()
    # A long press does.
    cell.evaluate(toucher, False)
    page.wait_for_timeout(700)
    expect(menu(page)).to_be_visible()
    cell.evaluate(toucher, True)
    expect(menu(page)).to_be_visible()
    dans_la_fenetre(page, menu(page))
    assert page.evaluate("document.documentElement.scrollWidth") <= 600
    # The menu works by touch: the booking goes through.
    item(page, "Demande de Réservation").tap()
    page.wait_for_load_state()
    attendre_reserve(page, day)


def test_menu_inside_the_viewport_for_the_last_cell_at_600px(portail, new_page, log_in):
    """The rightmost and lowest cells: the menu is pushed back inside."""
    page = new_page(viewport={"width": 600, "height": 500})
    base = planning(portail, page, log_in)
    debut = _premier_jour()
    page.goto(base + "?mois=%04d-%02d" % (debut.year, debut.month))
    cells = page.locator("table.planning-grille a.cellule-action")
    for cell in (cells.last, cells.first):
        cell.scroll_into_view_if_needed()
        box = cell.bounding_box()
        page.mouse.click(box["x"] + box["width"] - 1, box["y"] + box["height"] - 1, button="right")
        expect(menu(page)).to_be_visible()
        dans_la_fenetre(page, menu(page))
        page.keyboard.press("Escape")
        expect(menu(page)).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 600


@pytest.mark.parametrize("touche", ["Enter", "Shift+F10", "ContextMenu"])
def test_keyboard_only_declares_an_absence(portail, new_page, log_in, touche):
    page = new_page(viewport={"width": 1280, "height": 800})
    base = planning(portail, page, log_in)
    day = choisir(page, base, CANTINE, "etat-reserve")
    cell = cellule(page, CANTINE, day)
    # Tab from the cell before it reaches the cell.
    cells = ligne(page, CANTINE).locator("a.cellule-action")
    index = cells.evaluate_all(
        "(l, iso) => l.findIndex(a => a.getAttribute('data-date') === iso)", day.isoformat()
    )
    if index > 0:
        cells.nth(index - 1).focus()
        page.keyboard.press("Tab")
    else:
        cell.focus()
    expect(cell).to_be_focused()
    page.keyboard.press(touche)
    expect(menu(page)).to_be_visible()
    expect(item(page, "Demande de Réservation")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(item(page, "Déclarer une absence")).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu(page)).to_be_hidden()
    expect(dialogue(page)).to_be_visible()
    expect(dialogue(page).locator(".cellule-choisie")).to_have_text(
        "%s, %s" % (CANTINE, en_toutes_lettres(day))
    )
    motif = dialogue(page).get_by_label("Raison de l'absence")
    expect(motif).to_be_focused()
    page.keyboard.type("Sortie scolaire")
    page.keyboard.press("Tab")
    expect(dialogue(page).get_by_label("Je confirme cette absence.")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(dialogue(page).get_by_role("button", name="Confirmer l'absence")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    attendre_absent(page, day)


def test_menu_keys_and_escape(portail, new_page, log_in):
    page = new_page(viewport={"width": 1280, "height": 800})
    base = planning(portail, page, log_in)
    day = choisir(page, base, MERCREDI)
    cell = cellule(page, MERCREDI, day)
    reservation = item(page, "Demande de Réservation")
    absence = item(page, "Déclarer une absence")
    # The mouse, then Escape: closed, the focus back on the cell.
    cell.click(button="right")
    expect(menu(page)).to_be_visible()
    expect(cell).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(menu(page)).to_be_hidden()
    expect(cell).to_be_focused()
    expect(cell).to_have_attribute("aria-expanded", "false")
    # The keyboard: arrows go round, Home and End.
    page.keyboard.press("Enter")
    expect(reservation).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(absence).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(reservation).to_be_focused()
    page.keyboard.press("End")
    expect(absence).to_be_focused()
    page.keyboard.press("Home")
    expect(reservation).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu(page)).to_be_hidden()
    expect(cell).to_be_focused()
    # Tab leaves the menu and closes it.
    page.keyboard.press("Shift+F10")
    expect(reservation).to_be_focused()
    page.keyboard.press("Tab")
    expect(menu(page)).to_be_hidden()
    # Nothing was asked: the cell is still free.
    expect(case(page, MERCREDI, day)).not_to_have_class(re.compile(r"etat-"))
    expect(flash(page)).to_have_count(0)


def test_absence_dialog_needs_reason_and_confirmation(portail, new_page, log_in):
    page = new_page(viewport={"width": 1280, "height": 800})
    base = planning(portail, page, log_in)
    day = choisir(page, base, CANTINE, "etat-reserve")
    cell = cellule(page, CANTINE, day)
    url = page.url
    cell.click(button="right")
    item(page, "Déclarer une absence").click()
    box = dialogue(page)
    expect(box).to_be_visible()
    motif = box.get_by_label("Raison de l'absence")
    confirmation = box.get_by_label("Je confirme cette absence.")
    envoyer = box.get_by_role("button", name="Confirmer l'absence")
    form = box.locator("form")

    def refuse():
        envoyer.click()
        page.wait_for_timeout(300)
        expect(box).to_be_visible()
        assert page.url == url
        assert not form.evaluate("f => f.checkValidity()")

    # Nothing, the reason alone, the confirmation alone.
    refuse()
    expect(motif).to_be_focused()
    motif.fill("Malade")
    refuse()
    motif.fill("")
    confirmation.check()
    refuse()
    # A reason of spaces only is not a reason.
    motif.fill("   ")
    refuse()
    # Cancel: closed, the focus back on the cell, nothing changed.
    box.get_by_role("button", name="Annuler").click()
    expect(box).to_be_hidden()
    expect(cell).to_be_focused()
    expect(case(page, CANTINE, day)).to_have_class("etat-reserve")
    # Opened again, it starts empty; Escape closes it the same way.
    page.keyboard.press("Enter")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    expect(box).to_be_visible()
    expect(motif).to_have_value("")
    expect(confirmation).not_to_be_checked()
    page.keyboard.press("Escape")
    expect(box).to_be_hidden()
    expect(cell).to_be_focused()
    expect(flash(page)).to_have_count(0)


def test_second_change_of_a_cell_is_refused(portail, new_page, log_in):
    page = new_page(viewport={"width": 1280, "height": 800})
    base = planning(portail, page, log_in)
    day = choisir(page, base, MERCREDI)
    cellule(page, MERCREDI, day).click(button="right")
    item(page, "Demande de Réservation").click()
    page.wait_for_load_state()
    attendre_reserve(page, day)
    # An absence on the day just booked: one change per activity and date.
    cellule(page, MERCREDI, day).click(button="right")
    item(page, "Déclarer une absence").click()
    declarer(page)
    alerte = page.locator(".messages.erreurs[role=alert] .flash.erreur")
    expect(alerte).to_have_count(1)
    expect(alerte).to_contain_text("une seule modification par activité pour une même date")
    expect(alerte).to_contain_text(BOITE)
    expect(flash(page)).to_have_count(0)
    expect(case(page, MERCREDI, day)).to_have_class("etat-reserve")
    # The same goes for a second reservation.
    cellule(page, MERCREDI, day).click(button="right")
    item(page, "Demande de Réservation").click()
    page.wait_for_load_state()
    expect(alerte).to_contain_text(BOITE)
    expect(case(page, MERCREDI, day)).to_have_class("etat-reserve")
    # The refusal is shown once.
    page.reload()
    expect(page.locator(".messages.erreurs")).to_have_count(0)


@pytest.mark.parametrize("largeur", [375, 1024])
def test_without_javascript_a_cell_leads_to_its_day_page(portail, new_page, log_in, largeur):
    """The grid's cell, or at 375 px the day list's link."""
    page = new_page(viewport={"width": 1024, "height": 740}, java_script_enabled=False)
    base = planning(portail, page, log_in)
    day = choisir(page, base, MERCREDI)  # in the grid
    page.set_viewport_size({"width": largeur, "height": 740})
    if largeur < 600:
        lien_du_jour(page, MERCREDI, day).click()
    else:
        cellule(page, MERCREDI, day).click()
    page.wait_for_load_state()
    assert "/planning-jour?" in page.url
    expect(page.get_by_role("heading", level=2)).to_contain_text("Mercredi après-midi")
    page.get_by_role("button", name="Demander la réservation").click()
    page.wait_for_load_state()
    if largeur < 600:
        lien = lien_du_jour(page, MERCREDI, day)
        expect(lien).to_contain_text("Déclarer une absence")
        page.set_viewport_size({"width": 1024, "height": 740})  # the grid's checks
    attendre_reserve(page, day)
