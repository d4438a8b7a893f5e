"""The town's portal (issue 20, item 5): administrators set the town's
name, logo, the service's contacts and opening hours and the texts of the
three public pages in the SDI (tab "Commune", journaled); the login box
and every page's footer show them, escaped; nobody else may change them;
the pages, the favicon, the home-screen icon and the web app manifest are
public."""

import io
import json

import pytest
import webtest
from PIL import Image

from portail_famille import journal
from portail_famille.commune import MODIFIEE
from portail_famille.commune.resources import commune
from portail_famille.demo import COMPTES
from portail_famille.rgpd import retention

from ..conftest import ADMIN, DUPONT_URL, csrf, login, with_root
from .conftest import client

SDI = "/manage/@@commune"
PAGES = ("/mentions-legales", "/accessibilite", "/donnees-personnelles")


def png(size=(40, 20)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def staff(app, role):
    browser = client(app)
    login(browser, role, ADMIN[1] if role == "admin" else COMPTES[role][0])
    return browser


def valeurs(page, **changes):
    form = page.forms[0]
    for name, value in changes.items():
        form[name] = value
    return form


def test_admin_sets_the_town_shown_on_login_and_footer_escaped(app):
    admin = staff(app, "admin")
    page = admin.get(SDI)
    assert page.status_code == 200
    assert page.html.select_one("#commune-service")["placeholder"] == "Service enfance jeunesse"
    form = valeurs(
        page,
        nom="Biviers <b>&</b>",
        service="Service enfance jeunesse",
        adresse="Place de la Mairie\n38330 Biviers",
        telephone="04 76 52 00 00",
        courriel="enfance@mairie-biviers.fr",
        horaires="Lundi au vendredi : 8 h 30 – 12 h\nMercredi : 13 h 30 – 17 h",
        mentions="Premier paragraphe <script>alert(1)</script>\n\nSecond paragraphe.",
    )
    form["logo"] = webtest.Upload("logo.png", png(), "image/png")
    saved = form.submit(status=302).follow()
    assert "Les informations de la commune sont enregistrées." in saved.text

    anonymous = client(app)
    login_page = anonymous.get("/connexion")
    assert login_page.html.select_one(".commune-connexion").get_text().strip() == "Biviers <b>&</b>"
    box = login_page.html.select_one(".contact-connexion")
    assert "Biviers <b>&</b>" in box.get_text()
    assert "<b>&amp;</b>" not in login_page.text and "&lt;b&gt;&amp;&lt;/b&gt;" in login_page.text
    assert box.select_one('a[href="tel:0476520000"]').get_text() == "04 76 52 00 00"
    assert box.select_one('a[href="mailto:enfance@mairie-biviers.fr"]')
    assert "Mercredi : 13 h 30 – 17 h" in box.get_text()
    logo = login_page.html.select_one(".commune-connexion img.logo-commune")["src"]
    image = anonymous.get(logo)
    assert image.content_type == "image/png" and image.body == png()

    dupont = client(app)
    login(dupont, "jean.dupont", COMPTES["jean.dupont"][0])
    home = dupont.get(DUPONT_URL)
    footer = home.html.select_one("footer.pied")
    assert "Place de la Mairie" in footer.get_text() and "38330 Biviers" in footer.get_text()
    assert "Biviers <b>&</b>" in footer.get_text()
    liens = [(a["href"], a.get_text()) for a in footer.select(".pied-liens a")]
    assert liens == [
        ("/mentions-legales", "Mentions légales"),
        ("/accessibilite", "Accessibilité : partiellement conforme"),
        ("/donnees-personnelles", "Données personnelles"),
    ]

    manifest = json.loads(anonymous.get("/manifest.webmanifest").text)
    assert manifest["name"] == "Portail Famille — Biviers <b>&</b>"

    mentions = anonymous.get("/mentions-legales")
    paragraphs = [p.get_text() for p in mentions.html.select("article p")]
    assert paragraphs == ["Premier paragraphe <script>alert(1)</script>", "Second paragraphe."]
    assert "<script>alert(1)" not in mentions.text

    def read(root, registry):
        entries, _suite = journal.lire(root, quoi=MODIFIEE)
        return entries, commune(root).mentions

    entries, stored = read_root(app, read)
    assert len(entries) == 1 and entries[0]["qui"] == "admin"
    assert "mentions" in entries[0]["details"]["champs"]
    assert "logo" in entries[0]["details"]["champs"]
    assert stored.startswith("Premier paragraphe")
    tab = admin.get("/manage/@@journal", {"action": MODIFIEE})
    assert "Coordonnées et pages de la commune modifiées" in tab.text


def read_root(app, func):
    return with_root(app.app, func)


def test_bad_values_get_french_messages_and_nothing_is_written(app):
    admin = staff(app, "admin")
    page = admin.get(SDI)
    form = valeurs(page, telephone="appelez-nous", courriel="pas une adresse", nom="x" * 101)
    form["logo"] = webtest.Upload("logo.png", b"<svg onload=alert(1)>", "image/png")
    refused = form.submit(status=400)
    assert "Saisissez un numéro de téléphone" in refused.text
    assert "Saisissez une adresse électronique valide" in refused.text
    assert "100 caractères au plus" in refused.text
    assert "seuls les fichiers PNG, JPEG sont acceptés" in refused.text
    assert read_root(app, lambda root, registry: commune(root)) is None


def test_unchanged_defaults_stay_defaults(app):
    admin = staff(app, "admin")
    page = admin.get(SDI)
    # The default texts are shown in the form; saved unchanged, they stay
    # defaults (the town's name follows its setting).
    page.forms[0].submit(status=302)
    assert read_root(app, lambda root, registry: commune(root)) is None
    page = admin.get(SDI)
    valeurs(page, nom="Saint-Ismier").submit(status=302)
    texte = client(app).get("/mentions-legales").html.select_one("article").get_text()
    assert "commune de Saint-Ismier" in texte


@pytest.mark.parametrize("role", ["agent", "regisseur", "editeur"])
def test_staff_other_than_admins_cannot_edit(shared, role):
    browser = staff(shared, role)
    browser.get(SDI, status=403)
    page = browser.get("/mot-de-passe")
    browser.post(SDI, {"csrf_token": csrf(page), "nom": "Pirate"}, status=403)


def test_parent_and_anonymous_cannot_edit(dupont, anonymous):
    dupont.get(SDI, status=302)
    page = dupont.get(DUPONT_URL)
    dupont.post(SDI, {"csrf_token": csrf(page), "nom": "Pirate"}, status=302)
    assert anonymous.get(SDI, status=302).location.startswith("http://localhost/connexion")


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_public_with_french_defaults(anonymous, path):
    page = anonymous.get(path)
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]
    text = page.html.select_one("main").get_text()
    assert "${" not in page.text
    assert "la commune" in text


def test_accessibility_statement(anonymous):
    text = anonymous.get("/accessibilite").html.select_one("main").get_text()
    assert "partiellement conforme" in text and "RGAA" in text
    assert "Dérogations" in text and "Voies de recours" in text and "Défenseur des droits" in text
    assert "Contacter le service" in text


def test_privacy_page_names_the_retention_durations(anonymous):
    page = anonymous.get("/donnees-personnelles")
    durees = [li.get_text() for li in page.html.select("ul.durees li")]
    assert "effacés %d ans après son départ du service" % retention.DELAI_ANS in durees[0]
    assert any("1 an(s)" in d for d in durees)
    assert any("30 minutes sans activité, 12 heures au plus" in d for d in durees)
    assert "Délégué à la protection des données" in page.text


def test_no_logo_is_a_french_404(anonymous):
    page = anonymous.get("/logo-commune", status=404)
    assert "Page introuvable" in page.text


def test_favicon_and_touch_icon_are_images(anonymous):
    icon = anonymous.get("/favicon.ico")
    assert icon.content_type == "image/vnd.microsoft.icon"
    assert Image.open(io.BytesIO(icon.body)).format == "ICO"
    touch = anonymous.get("/apple-touch-icon.png")
    assert touch.content_type == "image/png"
    assert Image.open(io.BytesIO(touch.body)).size == (180, 180)


def test_manifest_is_valid_with_icons_that_exist(anonymous):
    response = anonymous.get("/manifest.webmanifest")
    assert response.content_type == "application/manifest+json"
    manifest = json.loads(response.text)
    assert manifest["name"] == "Portail Famille"
    assert manifest["short_name"] == "Portail Famille"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#1d4f91"
    sizes = set()
    for icon in manifest["icons"]:
        image = Image.open(io.BytesIO(anonymous.get(icon["src"]).body))
        assert image.format == "PNG" and "%dx%d" % image.size == icon["sizes"]
        sizes.add(icon["sizes"])
    assert sizes == {"192x192", "512x512"}


def test_every_page_links_the_icons_and_manifest(anonymous, dupont):
    for browser, path in ((anonymous, "/connexion"), (dupont, DUPONT_URL), (anonymous, "/x")):
        page = browser.get(path, status="*")
        head = page.html.select_one("head")
        assert head.select_one('link[rel="manifest"]')["href"] == "/manifest.webmanifest"
        for rel, expected in (
            ("icon", "image/vnd.microsoft.icon"),
            ("apple-touch-icon", "image/png"),
        ):
            href = head.select_one('link[rel="%s"]' % rel)["href"]
            assert href.startswith("/static-portail/")
            icon = anonymous.get(href)
            assert icon.content_type == expected and "max-age" in icon.headers["Cache-Control"]
