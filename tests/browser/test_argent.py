"""Money on a parent's phone (issue 20, item 3): on an iPhone 13, a Pixel 7
(Playwright's descriptors) and a 375 px screen, the home page, the
statement (its operations and its invoices) and an invoice are never wider
than the screen, and every amount, total and icon lies inside it (cards
under 600 px); axe finds nothing at 375 px; a 1366×900 laptop keeps the
tables."""

import pytest
from playwright.sync_api import expect

from portail_famille.demo import COMPTES, DUPONT

from .axe import aucune_violation

pytestmark = pytest.mark.browser

FAMILLE = "/familles/%s/" % DUPONT["numero"]
PAGES = (
    ("accueil", FAMILLE),
    ("relevé", FAMILLE + "releve-de-compte?annee=2014-2015"),
    ("mes factures", FAMILLE + "releve-de-compte?annee=2014-2015&onglet=factures"),
    ("facture", FAMILLE + "factures/AL-36/"),
    ("facture payée", FAMILLE + "factures/AL-12/"),
)
# What must be seen: amounts, totals, icons, and the billed days.
VISIBLES = "main .montant:not(thead *), main a.icone, main .jours-factures tbody th"

PETIT = {
    "viewport": {"width": 375, "height": 667},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def appareil(browser, nom):
    """Playwright's descriptor of ``nom`` (as ``playwright.devices``), for
    the browser the tests already launched."""
    devices = browser.browser_type._impl_obj._playwright.devices
    options = dict(devices[nom])
    options.pop("default_browser_type", None)
    return options


def hors_ecran(page):
    """The page's width beyond its viewport, and the texts of the visible
    elements (VISIBLES) that lie outside it horizontally or outside a frame
    that scrolls sideways (before issue 20: 5 of the home page's 6 amounts
    and icons, 14 of the statement's 16, at 375, 390 and 412 px)."""
    return page.evaluate(
        """(selector) => {
            const width = window.innerWidth;
            const outside = [];
            for (const el of document.querySelectorAll(selector)) {
                const box = el.getBoundingClientRect();
                if (box.width === 0 && box.height === 0) continue;  // not shown (empty cell)
                // outside the screen, or hidden by a frame that scrolls sideways
                let clipped = false;
                for (let p = el.parentElement; p; p = p.parentElement) {
                    const frame = p.getBoundingClientRect();
                    const overflow = getComputedStyle(p).overflowX;
                    if (overflow !== "visible" && overflow !== "clip"
                        && (box.right > frame.right + 0.5 || box.left < frame.left - 0.5)) {
                        clipped = true;
                    }
                }
                if (clipped || box.left < 0 || box.right > width + 0.5) {
                    outside.push((el.textContent || el.title).trim() + " @" + Math.round(box.right));
                }
            }
            return {
                exces: document.documentElement.scrollWidth - width,
                outside: outside,
            };
        }""",
        VISIBLES,
    )


def parcourir(page, portail, avec_axe=False):
    for nom, url in PAGES:
        page.goto(portail.url(url))
        expect(page.locator("h1")).to_be_visible()
        found = hors_ecran(page)
        assert found["exces"] <= 0, "%s is %d px too wide" % (nom, found["exces"])
        assert found["outside"] == [], "%s: off-screen %s" % (nom, found["outside"])
        assert page.locator(VISIBLES).count() > 0, nom
        if avec_axe:
            aucune_violation(page, "%s at 375 px" % nom)


@pytest.mark.parametrize("nom", ["iPhone 13", "Pixel 7"])
def test_money_fits_the_phone(browser, portail, new_page, log_in, nom):
    page = new_page(**appareil(browser, nom))
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    parcourir(page, portail)
    # the statement's cards: AL-36's amount and its two icons, tappable
    page.goto(portail.url(PAGES[1][1]))
    carte = page.locator("section.releve tbody tr", has_text="AL-36")
    expect(carte.locator(".montant").first).to_have_text("120,60\xa0€")
    for icone in carte.locator("a.icone").all():
        box = icone.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24
    expect(carte.get_by_role("link", name="Payer en ligne la facture AL-36")).to_be_visible()


def test_money_at_375_px_is_axe_clean(portail, new_page, log_in):
    page = new_page(**PETIT)
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    parcourir(page, portail, avec_axe=True)
    # the home page's figure and its unpaid invoice's card
    page.goto(portail.url(FAMILLE))
    expect(page.locator("dl.sommes-compte .reste-a-payer")).to_have_text("120,60\xa0€")
    expect(page.locator("dl.sommes-compte")).not_to_contain_text("Crédit disponible")
    expect(page.locator("table.impayees tfoot")).to_contain_text("120,60\xa0€")


def test_a_laptop_keeps_the_tables(portail, new_page, log_in):
    page = new_page(viewport={"width": 1366, "height": 900})
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    for nom, url in PAGES:
        page.goto(portail.url(url))
        found = hors_ecran(page)
        assert found["exces"] <= 0 and found["outside"] == [], nom
        for table in page.locator("main table.tableau-empile").all():
            assert table.evaluate("t => getComputedStyle(t).display") == "table", nom
            expect(table.locator("thead th").first).to_be_visible()
