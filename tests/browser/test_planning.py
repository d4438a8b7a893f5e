"""The month planning scrolls inside its own box, never the page."""

import pytest

from portail_famille.demo import COMPTES, DUPONT

from .largeur import largeur

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 800, 1366])
def test_the_grid_never_widens_the_page(portail, new_page, log_in, width):
    """375 px: the month is a list of days; 800 px: the grid scrolls inside
    its box; 1366 px: the whole month fits."""
    page = new_page(viewport={"width": width, "height": 800})
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    page.goto(portail.url("/familles/%s/mes-enfants" % DUPONT["numero"]))
    page.get_by_role("link", name="LUCAS").first.click()
    page.get_by_role("link", name="Planning").click()
    page.goto(page.url.split("?")[0] + "?mois=2015-04")
    assert page.get_by_text("Avril 2015").first.is_visible()
    assert largeur(page) <= width
    box = page.locator(".planning-defilant")
    if width < 600:
        assert not box.is_visible()
        assert page.locator("ol.planning-liste").is_visible()
        return
    assert not page.locator("ol.planning-liste").is_visible()
    # The grid itself is wider than its box at 800 px: it scrolls there.
    assert box.evaluate("e => e.scrollWidth > e.clientWidth") == (width < 1280)
