"""The town's portal on a phone (issue 20, item 5): at iPhone 13 size the
login box and the footer name the town and the service's contacts; the
footer's links lead, without login, to "Mentions légales", "Accessibilité"
and "Données personnelles"; no page is wider than the screen; every page
is axe-clean (WCAG 2.1 A/AA); the favicon and the manifest's icons load."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from portail_famille.commune.resources import assurer
from portail_famille.demo import COMPTES

from ..conftest import DUPONT_URL, with_root
from .appareils import IPHONE_13
from .axe import aucune_violation
from .largeur import largeur

pytestmark = pytest.mark.browser

# footer link -> (path, the page's heading)
LIENS = {
    "Mentions légales": ("/mentions-legales", "Mentions légales"),
    # RGAA: the conformity is shown with the link on every page.
    "Accessibilité : partiellement conforme": ("/accessibilite", "Accessibilité"),
    "Données personnelles": ("/donnees-personnelles", "Données personnelles"),
}


def logo():
    out = io.BytesIO()
    Image.new("RGB", (300, 120), (30, 90, 160)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def commune(portail):
    from portail_famille import fichiers

    def set_town(root, registry):
        found = assurer(root)
        found.nom = "Biviers"
        found.adresse = "Service enfance jeunesse, Mairie de Biviers\n38330 Biviers"
        found.telephone = "04 76 52 00 00"
        found.courriel = "enfance-jeunesse-et-periscolaire@mairie-de-biviers-isere.fr"
        found.horaires = "Lundi, mardi, jeudi, vendredi : 8 h 30 – 12 h\nMercredi : 13 h 30 – 17 h"
        found.logo = fichiers.Fichier(logo(), fichiers.PNG, "logo.png")

    with_root(portail.wsgi, set_town)
    return portail


def largeur_ok(page):
    return largeur(page) <= page.viewport_size["width"]


def test_town_pages_on_an_iphone(commune, new_page, log_in):
    portail = commune

    def partielle(root, registry):  # the laptop's test, if it ran first, said "non"
        assurer(root).conformite = "partielle"

    with_root(portail.wsgi, partielle)
    page = new_page(**IPHONE_13)
    page.goto(portail.url("/connexion"))
    expect(page.locator(".commune-connexion")).to_have_text("Biviers")
    box = page.locator(".contact-connexion")
    expect(box).to_contain_text("38330 Biviers")
    expect(box).to_contain_text("Mercredi : 13 h 30 – 17 h")
    expect(box.get_by_role("link", name="04 76 52 00 00")).to_have_attribute(
        "href", "tel:0476520000"
    )
    assert page.locator("img.logo-commune").evaluate("i => i.naturalWidth") == 300
    assert largeur_ok(page), "the login page is wider than the phone"
    aucune_violation(page, "connexion (iPhone 13)")

    for lien_titre, (chemin, titre) in LIENS.items():
        page.goto(portail.url("/connexion"))
        lien = page.locator("footer").get_by_role("link", name=lien_titre, exact=True)
        box = lien.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24, (lien_titre, box)
        lien.tap()
        page.wait_for_url(portail.url(chemin))
        expect(page.get_by_role("heading", level=1)).to_have_text(titre)
        assert largeur_ok(page), "%s is wider than the phone" % chemin
        aucune_violation(page, "%s (iPhone 13)" % chemin)

    # The favicon and the manifest's icons load (no 404 in the console).
    favicon = page.request.get(portail.url("/favicon.ico"))
    assert favicon.status == 200 and favicon.headers["content-type"].startswith("image/")
    manifest = page.request.get(portail.url("/manifest.webmanifest")).json()
    for icon in manifest["icons"]:
        assert page.request.get(portail.url(icon["src"])).status == 200

    # A parent's pages have the same footer.
    log_in(page, "jean.dupont", COMPTES["jean.dupont"][0])
    page.goto(portail.url(DUPONT_URL))
    footer = page.locator("footer")
    expect(footer).to_contain_text("38330 Biviers")
    expect(footer.get_by_role("link", name="Données personnelles")).to_be_visible()
    assert footer.evaluate("f => f.scrollWidth <= f.clientWidth")
    aucune_violation(page, "pied de page (iPhone 13)", dans="footer")


def test_admin_sets_the_town_on_a_laptop(portail, new_page, log_in, tmp_path):
    """An administrator fills the SDI tab "Commune" (a logo uploaded) at
    1366×900; the login box then shows it, and the town's pages fit."""
    from ..conftest import ADMIN

    page = new_page(viewport={"width": 1366, "height": 900})
    log_in(page, *ADMIN)
    page.goto(portail.url("/manage/@@commune"))
    page.get_by_label("Nom de la commune").fill("Biviers")
    page.get_by_label("Téléphone").fill("04 76 52 00 00")
    page.get_by_label("Adresse électronique").fill("enfance@mairie-biviers.fr")
    page.get_by_label("Horaires d'ouverture").fill("Mercredi : 13 h 30 – 17 h")
    fichier = tmp_path / "logo.png"
    fichier.write_bytes(logo())
    page.get_by_label("Logo (PNG ou JPEG, 1 Mo au plus)").set_input_files(str(fichier))
    page.get_by_label("État de conformité au RGAA").select_option("non")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Les informations de la commune sont enregistrées.")).to_be_visible()

    visitor = new_page(viewport={"width": 1366, "height": 900})
    visitor.goto(portail.url("/connexion"))
    expect(visitor.locator(".commune-connexion")).to_have_text("Biviers")
    assert visitor.locator("img.logo-commune").evaluate("i => i.naturalWidth") == 300
    expect(visitor.locator("footer")).to_contain_text("Mercredi : 13 h 30 – 17 h")
    visitor.locator("footer").get_by_role("link", name="Accessibilité : non conforme").click()
    expect(visitor.locator("main")).to_contain_text("est non conforme avec le référentiel")
    assert largeur_ok(visitor)
    aucune_violation(visitor, "accessibilite (1366×900)")
