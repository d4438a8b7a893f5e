"""Issue 20's check on every family page: DUPONT's pages, found by
following the links of his pages (GETs only: they write nothing), on an
iPhone 13 and a Pixel 7 (Playwright's descriptors, touch), a 375 px phone
and a 1366x900 laptop: no page wider than its viewport; on the touch
screens no tap target of the main content under 24x24 px (WCAG 2.5.8,
its spacing exception allowed); axe clean at 375 px."""

from urllib.parse import urldefrag, urlsplit

import pytest

from portail_famille.demo import COMPTES, DUPONT

from .axe import aucune_violation
from .test_parcours_tactile import _CIBLES_TROP_PETITES

pytestmark = pytest.mark.browser

FAMILLE = "/familles/%s/" % DUPONT["numero"]
PUBLIQUES = ("/mentions-legales", "/accessibilite", "/donnees-personnelles")
# not pages: files, feeds, exports, the way out, a payment's bank
EXCLUES = (".pdf", ".ics", ".csv", ".xlsx", "deconnexion", "payer", "telecharger")
MAXIMUM = 60  # pages visited (DUPONT's pages are about 30)
TELEPHONE_375 = {
    "viewport": {"width": 375, "height": 667},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def _pages(page, portail):
    """Every page of DUPONT reached from his home page, breadth first."""
    a_voir = [portail.url(FAMILLE)] + [portail.url(p) for p in PUBLIQUES]
    vues = []
    while a_voir and len(vues) < MAXIMUM:
        url = a_voir.pop(0)
        if url in vues:
            continue
        reponse = page.request.get(url)  # a GET: nothing written
        if not reponse.headers.get("content-type", "").startswith("text/html"):
            continue  # a file (JSON, PDF, calendar), not a page
        page.goto(url)
        vues.append(url)
        for lien in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            lien = urldefrag(lien)[0]
            chemin = urlsplit(lien).path
            if (
                urlsplit(lien).port == portail.port
                and chemin.startswith(FAMILLE)
                and not any(x in lien for x in EXCLUES)
                and lien not in vues
                and lien not in a_voir
            ):
                a_voir.append(lien)
    return vues


@pytest.fixture(scope="module")
def pages(portail, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        page.goto(portail.url("/connexion"))
        page.get_by_label("Identifiant").fill("jean.dupont")
        page.get_by_label("Mot de passe", exact=True).fill(COMPTES["jean.dupont"][0])
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
        found = _pages(page, portail)
    finally:
        context.close()
    assert len(found) >= 15, found  # home, children, planning, statement, mailbox...
    return found


def _visiter(new_page, log_in, options, pages, touch, axe):
    page = new_page(**options)
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    largeur = options["viewport"]["width"]
    problemes = []
    for url in pages:
        page.goto(url)
        page.wait_for_load_state()
        if page.evaluate("document.documentElement.scrollWidth") > largeur:
            problemes.append(("plus large que l'écran", url))
        if touch:
            petites = page.evaluate(_CIBLES_TROP_PETITES)
            if petites:
                problemes.append(("cibles < 24 px", url, petites))
        if axe:
            aucune_violation(page, "%s (%d px)" % (url, largeur))
    assert problemes == [], "\n".join(map(repr, problemes))


@pytest.mark.parametrize("nom", ["iPhone 13", "Pixel 7"])
def test_every_family_page_on_a_phone(nom, appareil, new_page, log_in, pages):
    _visiter(new_page, log_in, appareil(nom), pages, touch=True, axe=False)


def test_every_family_page_at_375_px_is_axe_clean(new_page, log_in, pages):
    _visiter(new_page, log_in, TELEPHONE_375, pages, touch=True, axe=True)


def test_every_family_page_on_a_laptop(new_page, log_in, pages):
    options = {"viewport": {"width": 1366, "height": 900}}
    _visiter(new_page, log_in, options, pages, touch=False, axe=False)
