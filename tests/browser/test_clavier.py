"""RGAA 4.1, keyboard only: log in, reserve three days in the planning,
cancel three booked days (an absence with its reason), send a message.

After the page opens, only ``page.keyboard`` (Tab, Shift+Tab, Enter, Space,
arrows, Escape, typed text): no click.  At every stop the focused element
shows its focus (a computed outline or box-shadow); Tab always moves on
(no trap: a full round of the planning page and of the message form comes
back to where it started); Escape closes the grid's menu and the absence
dialog and gives the focus back to the cell; every result is in a region
screen readers announce (``role=status`` / ``role=alert`` / ``aria-live``).

Reading the page (which cell is free, where the focus is) is not
interacting with it.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from portail_famille.demo import COMPTES, DUPONT, MARTIN

from .test_planning_actions import CANTINE, MERCREDI, _premier_jour, annees_a_venir  # noqa: F401

pytestmark = pytest.mark.browser

FAMILLE = "/familles/%s/" % DUPONT["numero"]
# Tab presses allowed to reach an element (the grid has a stop per cell).
TABS = 600

# The focused element, described; data-kbd numbers each element once, so
# that two stops are told apart.  Its focus is visible when its outline (or
# a box-shadow ring) contrasts 3:1 at least with the colour beside it (RGAA
# 10.7, WCAG 1.4.11): the parent's background for an outline drawn outside,
# its own for one drawn inside; Chromium's own "auto" ring is two-tone.
FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    if (!el.dataset.kbd) el.dataset.kbd = String((window.__kbd = (window.__kbd || 0) + 1));
    const s = getComputedStyle(el);
    const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = c => {
        const v = rgb(c).slice(0, 3).map(x => x / 255)
            .map(x => x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4));
        return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
    };
    const ratio = (a, b) => {
        const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
    };
    const fond = start => {
        for (let n = start; n; n = n.parentElement) {
            const c = getComputedStyle(n).backgroundColor;
            const v = rgb(c);
            if (v.length === 3 || (v.length === 4 && v[3] > 0)) return c;
        }
        return "rgb(255, 255, 255)";
    };
    const dedans = parseFloat(s.outlineOffset) < 0;
    const autour = fond(dedans ? el : el.parentElement);
    let contraste = 0;
    if (s.outlineStyle === "auto") contraste = 21;
    else if (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0)
        contraste = ratio(s.outlineColor, autour);
    if (s.boxShadow !== "none")
        for (const c of s.boxShadow.match(/rgba?\\([^)]*\\)/g) || [])
            contraste = Math.max(contraste, ratio(c, autour));
    const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
    const name = el.getAttribute("aria-label") || label || (el.tagName === "INPUT" ? "" : el.textContent);
    const tr = el.closest("tr");
    return {
        key: el.dataset.kbd,
        tag: el.tagName.toLowerCase(),
        id: el.id,
        role: el.getAttribute("role"),
        name: (name || "").replace(/\\s+/g, " ").trim(),
        date: el.getAttribute("data-date"),
        row: tr ? tr.getAttribute("data-titre") : null,
        outline: s.outlineStyle + " " + s.outlineWidth + " " + s.outlineColor,
        shadow: s.boxShadow,
        autour: autour,
        contraste: Math.round(contraste * 100) / 100,
        visible: contraste >= 3,
        html: el.outerHTML.slice(0, 160),
    };
}"""

# Is the element (a flash, an error) inside a live region?
ANNONCE = """el => !!el.closest(
    '[aria-live="polite"], [aria-live="assertive"], [role="status"], [role="alert"]')"""


def focus(page):
    return page.evaluate(FOCUS)


def visible(stop):
    assert stop["visible"], (
        "no visible focus on %(html)s: outline %(outline)s, shadow %(shadow)s, "
        "contrast %(contraste)s:1 with %(autour)s" % stop
    )


def tab(page, key="Tab"):
    """Press Tab (or Shift+Tab): the new stop, with a visible focus."""
    before = focus(page)
    page.keyboard.press(key)
    stop = focus(page)
    if stop is not None:
        visible(stop)
        assert before is None or stop["key"] != before["key"], "Tab stays on %s" % stop["html"]
    return stop


def tab_to(page, want, key="Tab"):
    """Tab until ``want(stop)``; the stop."""
    for _n in range(TABS):
        stop = tab(page, key)
        if stop is not None and want(stop):
            return stop
    raise AssertionError("not reached with %d x %s; last %s" % (TABS, key, stop))


def nomme(name):
    """A stop whose text holds ``name`` (arrows go round some links)."""
    return lambda s: name in s["name"]


def tour(page):
    """Tab round the whole page: focus comes back to the first stop."""
    first = tab(page)
    assert first is not None
    seen = 1
    for _n in range(TABS):
        stop = tab(page)
        if stop is not None and stop["key"] == first["key"]:
            return seen
        seen += stop is not None
    raise AssertionError("Tab never came back to %s: a trap?" % first["html"])


def annonce(page, locator, text):
    expect(locator).to_contain_text(text)
    assert locator.evaluate(ANNONCE), "not announced: %s" % locator.evaluate("e => e.outerHTML")


def flash(page):
    return page.locator(".messages .flash")


def envoyer(page, key="Enter"):
    """Press the key that follows a link or sends a form; wait for the page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def aller(page, *links):
    """Follow links by name from the top of the page, with Tab and Enter."""
    for link in links:
        tab_to(page, lambda s, link=link: s["tag"] == "a" and nomme(link)(s))
        envoyer(page)


def connexion(page, portail):
    page.goto(portail.url("/connexion"))
    # A wrong password first: the refusal is announced.
    tab_to(page, lambda s: s["id"] == "login")
    page.keyboard.type("jean.dupont")
    assert tab(page)["id"] == "password"
    page.keyboard.type("pas le bon")
    envoyer(page)
    expect(page.locator(".alerte")).to_be_visible()
    assert page.locator(".alerte").evaluate(ANNONCE)
    tab_to(page, lambda s: s["id"] == "password")
    page.keyboard.type(COMPTES["jean.dupont"][0])
    assert tab(page)["name"] == "Se connecter"
    envoyer(page)
    expect(page).to_have_url(re.compile(re.escape(FAMILLE) + "$"))


def _jj_mm_aaaa(day):
    return day.strftime("%d/%m/%Y")


def prochaine_case(page, titre, etat, exclues):
    """The first date of the row ``titre`` in the month shown, a week ahead
    at least, whose cell has the class ``etat`` alone (None: free)."""
    dates = page.locator("table.planning-grille tbody tr[data-titre='%s'] a.cellule-action" % titre)
    for iso in dates.evaluate_all(
        """(links, etat) => links
            .filter(a => etat ? a.parentElement.className === etat : !a.parentElement.className)
            .map(a => a.getAttribute("data-date"))""",
        etat,
    ):
        day = datetime.date.fromisoformat(iso)
        if day >= _premier_jour() and day not in exclues:
            return day
    return None


def sur_case(titre, day):
    """Is the stop the cell of ``day`` in the row ``titre``?"""
    iso = day.isoformat()
    return lambda s: s["date"] == iso and s["row"] == titre


def vers_case(page, titre, etat, exclues):
    """Next month (Tab, Enter) until a cell fits; then Tab to it."""
    for _mois in range(12):
        day = prochaine_case(page, titre, etat, exclues)
        if day is not None:
            tab_to(page, sur_case(titre, day))
            return day
        aller(page, "Mois suivant")
    raise AssertionError("no cell for %s in a year" % titre)


def case(page, titre, day):
    """The link of the cell of ``day`` in the row ``titre``."""
    return page.locator(
        "table.planning-grille tbody tr[data-titre='%s'] a.cellule-action[data-date='%s']"
        % (titre, day.isoformat())
    )


def menu(page):
    return page.get_by_role("menu", name="Demandes")


def test_keyboard_only_login_reserve_and_cancel_three_days(portail, page):
    connexion(page, portail)
    aller(page, "Mes enfants", "LUCAS", "Planning")
    expect(page.get_by_role("heading", name="Planning")).to_be_visible()

    reserves = []
    for _n in range(3):
        day = vers_case(page, MERCREDI, None, reserves)
        # Enter opens the menu on its first item; Escape closes it and
        # gives the focus back to the cell.
        page.keyboard.press("Enter")
        expect(menu(page)).to_be_visible()
        assert focus(page)["name"] == "Demande de Réservation"
        visible(focus(page))
        page.keyboard.press("Escape")
        expect(menu(page)).to_be_hidden()
        expect(case(page, MERCREDI, day)).to_be_focused()
        page.keyboard.press("Enter")
        envoyer(page)
        annonce(
            page,
            flash(page),
            "Réservation enregistrée : Mercredi après-midi, le %s." % _jj_mm_aaaa(day),
        )
        reserves.append(day)
    # No trap on the whole grid (a month with cells), every stop shows its focus.
    assert tour(page) > 30

    # Cancelling a day just booked is a second change of the same cell: the
    # refusal is announced too.
    premier = reserves[0]
    while page.locator('a.cellule-action[data-date="%s"]' % premier.isoformat()).count() == 0:
        aller(page, "Mois précédent")
    tab_to(page, sur_case(MERCREDI, premier))
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.type("Finalement non")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    envoyer(page)
    alerte = page.locator(".messages.erreurs .flash.erreur")
    expect(alerte).to_contain_text("une seule modification par activité")
    assert alerte.evaluate(ANNONCE)

    # Three booked canteen days cancelled: an absence with its reason.
    annules = []
    for _n in range(3):
        day = vers_case(page, CANTINE, "etat-reserve", annules)
        page.keyboard.press("Enter")
        page.keyboard.press("ArrowDown")
        assert focus(page)["name"] == "Déclarer une absence"
        visible(focus(page))
        page.keyboard.press("Enter")
        dialogue = page.locator("#dialogue-absence")
        expect(dialogue).to_be_visible()
        assert focus(page)["id"] == "motif-absence"
        visible(focus(page))
        if not annules:
            # Escape leaves the dialog, the focus back on the cell; again.
            page.keyboard.type("brouillon")
            page.keyboard.press("Escape")
            expect(dialogue).to_be_hidden()
            # (the dialog's "close" event gives it back: wait for it)
            expect(case(page, CANTINE, day)).to_be_focused()
            page.keyboard.press("Enter")
            page.keyboard.press("End")
            page.keyboard.press("Enter")
            expect(dialogue).to_be_visible()
        page.keyboard.type("Sortie scolaire")
        assert tab(page)["id"] == "confirmation-absence"
        page.keyboard.press("Space")
        assert tab(page)["name"] == "Confirmer l'absence"
        envoyer(page)
        annonce(
            page,
            flash(page),
            "Absence enregistrée : Restauration scolaire, le %s." % _jj_mm_aaaa(day),
        )
        annules.append(day)


def test_keyboard_only_send_a_message(portail, page):
    connexion(page, portail)
    aller(page, "Boîte de réception", "Nouveau message")
    assert tour(page) > 10
    # Sent empty: the errors are announced.
    tab_to(page, nomme("Envoyer le message"))
    envoyer(page)
    erreurs = page.locator(".alert-danger")
    expect(erreurs).to_contain_text("Le message n'a pas été envoyé")
    assert erreurs.evaluate(ANNONCE)
    tab_to(page, lambda s: s["id"] == "objet")
    page.keyboard.type("Sortie du mercredi")
    assert tab(page)["id"] == "texte"
    page.keyboard.type("Bonjour,\nLUCAS partira à 16h mercredi.")
    tab_to(page, nomme("Envoyer le message"))
    envoyer(page)
    annonce(page, flash(page), "Votre message a été envoyé.")


def test_every_stop_of_the_family_pages_shows_its_focus(portail, page):
    """A full Tab round (no trap, a visible focus at each stop) on the
    pages a parent fills or reads: home, Mon compte and a form, the
    child's health form, the statement, the documents, the mailbox."""
    connexion(page, portail)
    # The first stop skips to the content: the next one is inside <main>.
    skip = tab(page)
    assert skip["name"] == "Aller au contenu"
    box = page.locator("a.skip").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0, box
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()
    tab(page)
    assert page.evaluate("document.activeElement.closest('main') !== null")
    page.keyboard.press("Shift+Tab")
    assert tour(page) > 10
    aller(page, "Mon compte")
    assert tour(page) > 10
    aller(page, "Modifier Infos Responsable")
    assert tour(page) > 10
    aller(page, "Mes enfants", "LUCAS", "Données sanitaires", "Modifier Données sanitaires")
    assert tour(page) > 10
    for link in ("Relevé de compte", "Documents", "Boîte de réception"):
        aller(page, link)
        assert tour(page) > 5


def test_keyboard_only_first_login_errors_are_announced(portail, page):
    """Empty fields at login, then MARTIN's forced password change with two
    passwords that differ: each refusal is announced (role=alert), the
    field's own message beside it; then the change goes through."""
    page.goto(portail.url("/connexion"))
    tab_to(page, nomme("Se connecter"))
    envoyer(page)
    annonce(page, page.locator(".alerte"), "corrigez les champs signalés")
    expect(page.locator("#login-erreur")).to_have_text("Saisissez votre identifiant.")
    tab_to(page, lambda s: s["id"] == "login")
    page.keyboard.type("marie.martin")
    assert tab(page)["id"] == "password"
    page.keyboard.type(COMPTES["marie.martin"][0])
    envoyer(page)
    expect(page).to_have_url(re.compile("/mot-de-passe$"))
    tab_to(page, lambda s: s["id"] == "current")
    page.keyboard.type(COMPTES["marie.martin"][0])
    assert tab(page)["id"] == "new"
    page.keyboard.type("Tilleuls-Biviers38")
    assert tab(page)["id"] == "confirm"
    page.keyboard.type("Tilleuls-Biviers39")
    envoyer(page)
    annonce(page, page.locator(".alerte[role=alert]"), "corrigez les champs signalés")
    expect(page.locator("#confirm-erreur")).to_have_text(
        "Les deux mots de passe ne sont pas identiques."
    )
    tab_to(page, lambda s: s["id"] == "current")
    page.keyboard.type(COMPTES["marie.martin"][0])
    for field in ("new", "confirm"):
        assert tab(page)["id"] == field
        page.keyboard.type("Tilleuls-Biviers38")
    assert tab(page)["name"] == "Enregistrer"
    envoyer(page)
    expect(page).to_have_url(re.compile(re.escape("/familles/%s/" % MARTIN["numero"]) + "$"))
    annonce(page, flash(page), "Votre mot de passe a été modifié.")
