"""The month planning scrolls inside its own box, never the page."""

import pytest

from portail_famille.demo import COMPTES, DUPONT

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
def test_the_grid_never_widens_the_page(portail, new_page, log_in, width):
    page = new_page(viewport={"width": width, "height": 800})
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    page.goto(portail.url("/familles/%s/mes-enfants" % DUPONT["numero"]))
    page.get_by_role("link", name="LUCAS").first.click()
    page.get_by_role("link", name="Planning").click()
    page.goto(page.url.split("?")[0] + "?mois=2015-04")
    assert page.get_by_text("Avril 2015").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = page.locator(".planning-defilant")
    # The grid itself is wider than its box: it scrolls there.
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")
