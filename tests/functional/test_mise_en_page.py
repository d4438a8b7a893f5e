"""The family layout's parts made once and shared between requests (issue
22, item 5): the header (made from a per-language model) escapes what the
family typed and marks the current page; the footer, shared while the
town's stored state is the same, shows a change of the town on the next
page even when it was made outside the SDI."""

from portail_famille.commune.resources import assurer
from portail_famille.demo import COMPTES

from ..conftest import DUPONT_URL, login, with_root
from .conftest import client


def parent(app):
    browser = client(app)
    login(browser, "jean.dupont", COMPTES["jean.dupont"][0])
    return browser


def test_the_footer_follows_the_town_changed_outside_the_sdi(app):
    dupont = parent(app)
    avant = dupont.get(DUPONT_URL).html.select_one("footer.pied").get_text()
    assert "04 99 88 77 66" not in avant

    def changer(root, registry):
        commune = assurer(root)
        commune.telephone = "04 99 88 77 66"
        commune.nom = 'Saint-<Jean> "du" Lac'

    with_root(app.app, changer)
    for url in (DUPONT_URL, DUPONT_URL + "mes-enfants"):
        page = dupont.get(url)
        footer = page.html.select_one("footer.pied")
        assert footer.select_one('a[href="tel:0499887766"]').get_text() == "04 99 88 77 66"
        assert 'Saint-<Jean> "du" Lac' in footer.get_text()
        assert "Saint-&lt;Jean&gt;" in page.text and "<Jean>" not in page.text


def test_the_header_escapes_the_family_and_marks_the_current_page(app):
    def renommer(root, registry):
        famille = root["familles"][DUPONT_URL.strip("/").split("/")[-1]]
        famille.responsable = dict(famille.responsable, prenom='<b>JEAN</b> & "CIE"')

    with_root(app.app, renommer)
    dupont = parent(app)
    home = dupont.get(DUPONT_URL)
    bienvenue = home.html.select_one(".bienvenue")
    assert '<b>JEAN</b> & "CIE" DUPONT' in bienvenue.get_text()
    assert "&lt;b&gt;JEAN&lt;/b&gt; &amp;" in home.text and "<b>JEAN</b>" not in home.text
    courants = [a.get_text() for a in home.html.select('nav.menu a[aria-current="page"]')]
    assert courants == ["Accueil"]
    documents = dupont.get(DUPONT_URL + "documents")
    courants = documents.html.select('nav.menu a[aria-current="page"]')
    assert [a["class"] for a in courants] == [["infos-documents"]]
    assert documents.html.select_one('nav.menu form input[name="csrf_token"]')["value"]
