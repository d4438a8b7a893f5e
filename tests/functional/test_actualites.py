"""News (actualités): the editors' SDI forms and workflow, what the login
and home pages show, the sanitiser, the image upload, and the editors'
confinement to documents and news."""

import io
import re

import pytest
import transaction
from bs4 import BeautifulSoup
from PIL import Image
from webtest import Upload

from portail_famille.actualites import rendu
from portail_famille.actualites.demo import ACTUALITES, _Demo
from portail_famille.actualites.publication import BROUILLON, PUBLIEE, WORKFLOW, etat
from portail_famille.actualites.resources import A_LA_UNE, Breve, Resume
from portail_famille.demo import COMPTES, DUPONT, load
from portail_famille.evolve import step24

from ..conftest import DUPONT_URL, csrf, login, make_app, with_root
from .conftest import client, leaked

EDITEUR = ("editeur", COMPTES["editeur"][0])
PARENT = ("jean.dupont", COMPTES["jean.dupont"][0])
SDI = "/manage/actualites"
AJOUTER = SDI + "/@@add_actualite"
VACANCES = "inscriptions-aux-vacances-d-ete"
MENUS = "nouveaux-menus-du-restaurant-scolaire"
BROUILLON_DEMO = "fete-de-fin-d-annee-de-l-accueil-de-loisirs"


def png(size=(4, 3)):
    data = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(data, "PNG")
    return data.getvalue()


def jpeg():
    data = io.BytesIO()
    Image.new("RGB", (4, 3), (30, 30, 200)).save(data, "JPEG")
    return data.getvalue()


def a_la_une(page):
    """The titles of the news list of a login or home page, in order."""
    soup = BeautifulSoup(page.text, "html.parser")
    liste = soup.find("ul", class_="liste-actualites")
    if liste is None:
        return []
    return [h3.get_text(strip=True) for h3 in liste.find_all("h3")]


def erreur(page, champ):
    """The error message deform shows next to the field ``champ``."""
    soup = BeautifulSoup(page.text, "html.parser")
    item = soup.find(class_="item-%s" % champ)
    assert item is not None, "no field %s" % champ
    message = item.find(class_="help-block", id=lambda i: i and i.startswith("error-"))
    return message.get_text(strip=True) if message else None


def navigateurs(app):
    """(editor, parent, anonymous) browsers on ``app``."""
    editeur, parent, anonyme = client(app), client(app), client(app)
    login(editeur, *EDITEUR)
    login(parent, *PARENT)
    return editeur, parent, anonyme


def ajouter(editeur, titre, texte, image=None, status=302):
    form = editeur.get(AJOUTER).forms["deform"]
    form["titre"] = titre
    form["texte"] = texte
    if image is not None:
        form["upload"] = image
    return form.submit("ajouter", status=status)


def nom_ajoute(response):
    match = re.search(r"/manage/actualites/([^/]+)/@@publication$", response.location)
    assert match, response.location
    return match.group(1)


def transition(editeur, nom, name, status=302):
    assert name in boutons(editeur, nom)
    form = editeur.get("%s/%s/@@publication" % (SDI, nom)).forms[0]
    return form.submit("transition", value=name, status=status)


def boutons(editeur, nom):
    page = editeur.get("%s/%s/@@publication" % (SDI, nom))
    soup = BeautifulSoup(page.text, "html.parser")
    return sorted(b["value"] for b in soup.find_all("button", attrs={"name": "transition"}))


def etat_de(app, nom):
    return with_root(app.app, lambda root, registry: etat(root["actualites"][nom]))


# --- The demo and the public pages ------------------------------------------


def test_the_demo_news_show_on_the_login_and_home_pages(anonymous, dupont):
    titres = [titre for titre, _texte, cible in ACTUALITES if cible == PUBLIEE]
    brouillon = next(titre for titre, _texte, cible in ACTUALITES if cible == BROUILLON)
    # Newest first: the demo publishes its items in order.
    attendus = list(reversed(titres))
    assert attendus[0] == "Inscriptions aux vacances d'été"
    assert a_la_une(anonymous.get("/connexion")) == attendus
    assert a_la_une(anonymous.get("/")) == attendus
    home = dupont.get(DUPONT_URL)
    assert a_la_une(home) == attendus
    assert brouillon not in home.text
    # Each links to the whole item.
    assert 'href="/actualites/%s"' % VACANCES in home.text
    page = anonymous.get("/actualites/" + VACANCES)
    assert "<h1>Inscriptions aux vacances d'été</h1>" in page.text
    assert "<strong>vacances d'été</strong>" in page.text
    assert '<a href="mailto:enfance@mairie-biviers.fr" rel="noopener noreferrer">' in page.text
    assert dupont.get("/actualites/" + MENUS).status_int == 200


def test_the_news_links_follow_a_portal_served_under_a_path(tmp_path):
    """Behind the town's proxy (https://portail.mairie.example/portail, the
    prefix in SCRIPT_NAME) the news links carry the prefix, as the
    stylesheet does, and lead to the items."""
    ville = make_app(tmp_path, **{"portail.url": "https://portail.mairie.example/portail/"})
    visiteur = client(ville, SCRIPT_NAME="/portail")
    parent = client(ville, SCRIPT_NAME="/portail")
    login(parent, *PARENT)
    for page in (visiteur.get("/connexion"), visiteur.get("/actualites/"), parent.get(DUPONT_URL)):
        soup = BeautifulSoup(page.text, "html.parser")
        assert soup.find("link", rel="stylesheet")["href"].startswith("/portail/static-portail/")
        liens = [a["href"] for a in soup.select("ul.liste-actualites h3 a")]
        assert liens[0] == "/portail/actualites/" + VACANCES, liens
        for lien in liens:
            assert lien.startswith("/portail/actualites/")
            # the proxy takes the prefix off before the application
            item = visiteur.get(lien.removeprefix("/portail"))
            assert item.status_int == 200 and soup.find("a", href=lien).text in item.text
        toutes = soup.find("p", class_="toutes-actualites")
        assert toutes is None or toutes.a["href"] == "/portail/actualites/"
    assert 'href="/portail/"' in visiteur.get("/actualites/" + VACANCES).text


def test_the_news_folder_keeps_data_not_markup(app):
    def lire(root, registry):
        folder = root["actualites"]
        return folder.__dict__.get("html"), folder.publiees

    html, publiees = with_root(app.app, lire)
    assert html is None
    assert [type(b) for b in publiees] == [Breve, Breve]
    assert publiees[0].nom == VACANCES and publiees[0].titre == "Inscriptions aux vacances d'été"
    assert "<" not in publiees[0].extrait and "vacances d'été" in publiees[0].extrait


def test_evolve_step24_turns_the_kept_markup_into_data(app):
    def ancienne_forme(root, registry):
        folder = root["actualites"]
        folder.publiees = tuple(
            Resume(b.nom, b.titre, b.date, "/actualites/" + b.nom, b.extrait)
            for b in folder.publiees
        )
        folder.html = '<li class="actualite"><h3><a href="/actualites/x">X</a></h3></li>'

    def evoluer(root, registry):
        step24.evolve(root, registry)

    def lire(root, registry):
        folder = root["actualites"]
        return folder.__dict__.get("html"), folder.publiees

    avant = with_root(app.app, lire)[1]
    with_root(app.app, ancienne_forme)
    assert type(with_root(app.app, lire)[1][0]) is Resume
    with_root(app.app, evoluer)
    html, publiees = with_root(app.app, lire)
    assert html is None and publiees == avant
    assert [type(b) for b in publiees] == [Breve, Breve]
    assert a_la_une(client(app).get("/connexion"))[0] == "Inscriptions aux vacances d'été"


def test_a_draft_answers_404_to_parents_and_visitors(anonymous, dupont):
    for browser in (anonymous, dupont):
        browser.get("/actualites/" + BROUILLON_DEMO, status=404)
        browser.get("/actualites/%s/@@image" % BROUILLON_DEMO, status=404)
        browser.get("/actualites/%s/autre" % VACANCES, status=404)


def test_the_demo_loads_twice_without_duplicates(app):
    with_root(app.app, load)

    def titres(root, registry):
        return sorted(item.titre for item in root["actualites"].values())

    assert with_root(app.app, titres) == sorted(titre for titre, _texte, _cible in ACTUALITES)


def test_the_pages_show_the_kept_list_without_looking_at_the_news(app):
    """The login and home pages insert the folder's kept list (one attribute
    read): no query, no walk of the items per page view."""

    def marquer(root, registry):
        folder = root["actualites"]
        folder.publiees = (Breve("gardee", "Liste gardée", folder.publiees[0].date, "Extrait"),)

    with_root(app.app, marquer)
    parent = client(app)
    login(parent, *PARENT)
    assert a_la_une(parent.get(DUPONT_URL)) == ["Liste gardée"]
    assert a_la_une(client(app).get("/connexion")) == ["Liste gardée"]


def test_at_most_five_newest_first(app):
    def publier(root, registry):
        folder = root["actualites"]
        for n in range(7):
            item = registry.content.create("Actualite", titre="Nouvelle %d" % n, texte="Texte")
            folder.add("nouvelle-%d" % n, item, registry=registry)
            WORKFLOW.transition(item, _Demo(registry), "publier")

    with_root(app.app, publier)
    assert A_LA_UNE == 5
    assert a_la_une(client(app).get("/connexion")) == ["Nouvelle %d" % n for n in (6, 5, 4, 3, 2)]
    # The sixth and older are still readable, on the page of all news
    # (linked from the lists) and at their address.
    visiteur = client(app)
    assert 'href="/actualites/"' in visiteur.get("/connexion").text
    toutes = visiteur.get("/actualites/")
    assert a_la_une(toutes) == ["Nouvelle %d" % n for n in range(6, -1, -1)] + [
        "Inscriptions aux vacances d'été",
        "Nouveaux menus du restaurant scolaire",
    ]
    assert "Fête de fin d'année" not in toutes.text
    visiteur.get("/actualites/nouvelle-0", status=200)
    visiteur.get("/actualites/@@autre", status=404)
    visiteur.get("/actualites/inconnue", status=404)


# --- The workflow through the SDI -------------------------------------------


def test_an_editor_writes_publishes_archives_and_republishes(app):
    editeur, parent, anonyme = navigateurs(app)
    ajout = ajouter(editeur, "Fermeture exceptionnelle du 24 décembre", "La garderie ferme à 16 h.")
    nom = nom_ajoute(ajout)
    assert nom == "fermeture-exceptionnelle-du-24-decembre"
    assert etat_de(app, nom) == BROUILLON
    assert boutons(editeur, nom) == ["publier"]
    titre = "Fermeture exceptionnelle du 24 décembre"

    def visible():
        pages = (
            anonyme.get("/connexion"),
            parent.get(DUPONT_URL),
        )
        listed = [titre in a_la_une(page) for page in pages]
        assert listed[0] == listed[1]
        for browser in (anonyme, parent):
            status = browser.get("/actualites/" + nom, expect_errors=True).status_int
            assert status == (200 if listed[0] else 404)
        return listed[0]

    # A draft: nowhere public.
    assert not visible()
    # Published: first of the lists (the newest), readable.
    transition(editeur, nom, "publier")
    assert etat_de(app, nom) == PUBLIEE
    assert visible()
    assert a_la_une(anonyme.get("/connexion"))[0] == titre
    assert "La garderie ferme à 16 h." in anonyme.get("/actualites/" + nom).text
    assert boutons(editeur, nom) == ["archiver", "retirer"]
    # An edit of a published item shows at once.
    form = editeur.get("%s/%s/@@modifier" % (SDI, nom)).forms["deform"]
    assert form["titre"].value == titre
    form["texte"] = "La garderie ferme à 15 h 30."
    form.submit("enregistrer", status=302)
    assert "La garderie ferme à 15 h 30." in anonyme.get("/connexion").text
    # Archived: gone.
    transition(editeur, nom, "archiver")
    assert etat_de(app, nom) == "archivee"
    assert not visible()
    assert boutons(editeur, nom) == ["republier"]
    # Published again, then withdrawn to a draft.
    transition(editeur, nom, "republier")
    assert visible()
    transition(editeur, nom, "retirer")
    assert etat_de(app, nom) == BROUILLON
    assert not visible()


def test_a_stale_or_unknown_transition_changes_nothing(app):
    editeur = client(app)
    login(editeur, *EDITEUR)
    page = editeur.get("%s/%s/@@publication" % (SDI, VACANCES))
    token = csrf(page)
    for name in ("publier", "republier", "detruire", ""):
        response = editeur.post(
            "%s/%s/@@publication" % (SDI, VACANCES),
            {"transition": name, "csrf_token": token},
            status=302,
        )
        assert etat_de(app, VACANCES) == PUBLIEE
        after = editeur.get(response.location)
        assert "Traceback" not in after.text
        assert (
            "Cette action n'est pas possible" in after.text
            or "Cette action n'existe pas" in after.text
        )


def test_the_add_form_refuses_an_empty_title_in_french(app):
    editeur = client(app)
    login(editeur, *EDITEUR)
    form = editeur.get(AJOUTER).forms["deform"]
    form["texte"] = "Un texte"
    refused = form.submit("ajouter", status=400)
    assert erreur(refused, "titre") == "Ce champ est obligatoire."
    form = refused.forms["deform"]
    form["titre"] = "x" * 201
    refused = form.submit("ajouter", status=400)
    assert erreur(refused, "titre") == "Au plus 200 caractères."
    # A valid image sent with an invalid title is not kept: the form does
    # not pretend it is (the editor chooses it again).
    form = refused.forms["deform"]
    form["upload"] = Upload("carnaval.png", png())
    refused = form.submit("ajouter", status=400)
    assert erreur(refused, "image") is None
    assert "carnaval.png" not in refused.text
    assert with_root(app.app, lambda root, registry: len(root["actualites"])) == 3


def test_a_copy_of_a_published_item_is_a_draft(app):
    def copier(root, registry):
        folder = root["actualites"]
        folder.copy(VACANCES, folder, "copie")
        return etat(folder["copie"]), [r.nom for r in folder.publiees]

    state, publiees = with_root(app.app, copier)
    assert state == BROUILLON
    assert "copie" not in publiees
    client(app).get("/actualites/copie", status=404)


def test_a_renamed_item_keeps_its_place_under_its_new_address(app):
    def renommer(root, registry):
        root["actualites"].rename(VACANCES, "ete", registry=registry)

    with_root(app.app, renommer)
    visiteur = client(app)
    page = visiteur.get("/connexion")
    assert a_la_une(page)[0] == "Inscriptions aux vacances d'été"
    assert 'href="/actualites/ete"' in page.text and VACANCES not in page.text
    visiteur.get("/actualites/ete", status=200)
    visiteur.get("/actualites/" + VACANCES, status=404)


def test_a_deleted_item_leaves_the_lists(app):
    def supprimer(root, registry):
        root["actualites"].remove(VACANCES, registry=registry)

    with_root(app.app, supprimer)
    assert a_la_une(client(app).get("/connexion")) == ["Nouveaux menus du restaurant scolaire"]


# --- The sanitiser ------------------------------------------------------------

HOSTILE = (
    "<p>Texte <strong>gras</strong>, <em>italique</em>, "
    '<a href="https://www.mairie-biviers.fr/ete" onclick="steal()" target="_blank">lien</a>.</p>'
    "<script>alert('script')</script>"
    '<img src="x" onerror="alert(\'onerror\')">'
    "<a href=\"javascript:alert('js')\">piège</a>"
    "<a href=\" JaVaScRiPt:alert('js2')\">piège 2</a>"
    '<p style="background:url(javascript:alert(1))">stylé</p>'
    "<style>body { display: none }</style>"
    '<iframe src="file:///etc/passwd"></iframe>'
    '<img src="file:///etc/passwd">'
    '<svg onload="alert(1)"><script>alert(2)</script></svg>'
    '<a href="data:text/html;base64,PHNjcmlwdD4=">données</a>'
    "<!-- commentaire --><ul><li>un</li><li>deux</li></ul>"
)
DANGERS = (
    "<script",
    "alert(",
    "onerror",
    "onclick",
    "onload",
    "javascript:",
    "<iframe",
    "<style",
    "style=",
    "<img",
    "file:///",
    "<svg",
    "data:text",
    "target=",
    "commentaire",
)


TITRE_HOSTILE = "<script>alert('titre')</script> Été"
# A script that is not one of the portal's static files.
SCRIPT_ETRANGER = re.compile(r'<script(?![^>]*\ssrc="[^"]*/static-portail/)', re.IGNORECASE)
_TITRE_ECHAPPE = re.compile(
    r"&lt;script&gt;alert\((&#x27;|&#39;|')titre(&#x27;|&#39;|')\)&lt;/script&gt; Été"
)


def sans_danger(text):
    """The dangerous markup found in ``text`` (the hostile title, shown
    escaped, is left out)."""
    text = _TITRE_ECHAPPE.sub("", text)
    return [danger for danger in DANGERS if danger.lower() in text.lower()]


def test_the_sanitiser_keeps_only_the_allowed_formatting():
    html = rendu.nettoyer(HOSTILE)
    assert sans_danger(html) == []
    assert "<strong>gras</strong>" in html
    assert "<em>italique</em>" in html
    assert '<a href="https://www.mairie-biviers.fr/ete" rel="noopener noreferrer">lien</a>' in html
    assert "<ul><li>un</li><li>deux</li></ul>" in html
    assert "<p>stylé</p>" in html
    # A link with a forbidden address keeps its text, not its address.
    assert '<a rel="noopener noreferrer">piège</a>' in html
    # Plain text: paragraphs and line breaks, its "<" escaped.
    assert (
        rendu.nettoyer("Un\nDeux\n\nTrois < quatre") == "<p>Un<br>Deux</p><p>Trois &lt; quatre</p>"
    )
    assert rendu.extrait(HOSTILE).startswith("Texte gras, italique, lien.")
    assert sans_danger(rendu.extrait(HOSTILE)) == []


def test_hostile_news_is_stored_as_given_and_shown_safe(app):
    editeur, parent, anonyme = navigateurs(app)
    nom = nom_ajoute(ajouter(editeur, TITRE_HOSTILE, HOSTILE))
    stored = with_root(app.app, lambda root, registry: root["actualites"][nom].texte)
    assert stored == HOSTILE
    # The SDI preview is sanitised too.
    apercu = editeur.get("%s/%s/@@apercu" % (SDI, nom))
    corps = apercu.text[apercu.text.index('<article class="actualite">') :]
    assert sans_danger(corps) == []
    assert "<strong>gras</strong>" in corps
    transition(editeur, nom, "publier")
    pages = (
        anonyme.get("/connexion"),
        parent.get(DUPONT_URL),
        anonyme.get("/actualites/" + nom),
        parent.get("/actualites/" + nom),
    )
    for page in pages:
        # The news' part of the page (the layout has its own markup).
        debut = page.text.find('<section class="cadre actualites"')
        if debut < 0:
            debut = page.text.index('<article class="cadre actualite">')
        partie = page.text[debut:]
        assert _TITRE_ECHAPPE.search(partie), page.request.url
        assert sans_danger(partie) == [], page.request.url
        assert not SCRIPT_ETRANGER.search(page.text) and "javascript:" not in page.text
    article = pages[2].text
    assert (
        '<a href="https://www.mairie-biviers.fr/ete" rel="noopener noreferrer">lien</a>' in article
    )


# --- The image ---------------------------------------------------------------


def test_an_image_is_stored_and_served_inline_with_nosniff(app):
    editeur, parent, anonyme = navigateurs(app)
    data = png()
    nom = nom_ajoute(
        ajouter(editeur, "Photo du carnaval", "Le carnaval.", Upload("carnaval.png", data))
    )
    # A draft's image: only its editors see it (the SDI preview).
    assert 'src="/actualites/%s/@@image"' % nom in editeur.get("%s/%s/@@apercu" % (SDI, nom))
    editeur.get("/actualites/%s/@@image" % nom, status=200)
    anonyme.get("/actualites/%s/@@image" % nom, status=404)
    parent.get("/actualites/%s/@@image" % nom, status=404)
    transition(editeur, nom, "publier")
    page = anonyme.get("/actualites/" + nom)
    assert 'src="/actualites/%s/@@image"' % nom in page.text
    image = anonyme.get("/actualites/%s/@@image" % nom)
    assert image.body == data
    assert image.content_type == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert image.headers["Content-Disposition"].startswith('inline; filename="carnaval.png"')
    # Replaced by a JPEG, then removed.
    form = editeur.get("%s/%s/@@modifier" % (SDI, nom)).forms["deform"]
    form["upload"] = Upload("photo.jpg", jpeg())
    form.submit("enregistrer", status=302)
    assert anonyme.get("/actualites/%s/@@image" % nom).content_type == "image/jpeg"
    form = editeur.get("%s/%s/@@modifier" % (SDI, nom)).forms["deform"]
    form["supprimer_image"] = True
    form.submit("enregistrer", status=302)
    anonyme.get("/actualites/%s/@@image" % nom, status=404)
    assert "@@image" not in anonyme.get("/actualites/" + nom).text


@pytest.mark.parametrize(
    "nom,data",
    [
        ("photo.png", b"<html><script>alert(1)</script></html>"),
        ("photo.jpg", b"\xff\xd8\xff" + b"pas une image" * 10),
        ("menu.pdf", b"%PDF-1.4\n%%EOF\n"),
        ("vide.png", b""),
    ],
)
def test_an_image_that_is_not_jpeg_or_png_by_content_is_refused(app, nom, data):
    editeur = client(app)
    login(editeur, *EDITEUR)
    refused = ajouter(editeur, "Avec image", "Texte.", Upload(nom, data), status=400)
    message = erreur(refused, "image")
    assert message in (
        "Ce fichier n'est pas accepté : seuls les fichiers JPEG, PNG sont acceptés.",
        "Le fichier envoyé est vide.",
    ), message
    assert with_root(app.app, lambda root, registry: len(root["actualites"])) == 3


def test_an_image_over_5_mo_is_refused(tmp_path):
    # (The request body limit is raised above the image's: the image's own
    # limit is what is tested.)
    app = make_app(tmp_path, **{"portail.max_body": str(8 * 1024 * 1024)})
    editeur = client(app)
    login(editeur, *EDITEUR)
    gros = png() + b"\0" * (5 * 1024 * 1024)
    refused = ajouter(editeur, "Grosse image", "Texte.", Upload("gros.png", gros), status=400)
    assert erreur(refused, "image") == "Le fichier dépasse la taille maximale de 5 Mo."


# --- CSRF and who may do what --------------------------------------------------


def test_the_forms_need_their_csrf_token(app):
    editeur = client(app)
    login(editeur, *EDITEUR)
    form = editeur.get(AJOUTER).forms["deform"]
    form["titre"] = "Sans jeton"
    form["texte"] = "Texte."
    form["_csrf_token_"] = "faux"
    form.submit("ajouter", status=400)
    form = editeur.get("%s/%s/@@modifier" % (SDI, VACANCES)).forms["deform"]
    form["titre"] = "Modifié sans jeton"
    form["_csrf_token_"] = "faux"
    form.submit("enregistrer", status=400)
    editeur.post(
        "%s/%s/@@publication" % (SDI, VACANCES),
        {"transition": "archiver", "csrf_token": "faux"},
        status=400,
    )
    editeur.post("%s/%s/@@publication" % (SDI, VACANCES), {"transition": "archiver"}, status=400)

    def state(root, registry):
        folder = root["actualites"]
        return len(folder), folder[VACANCES].titre, etat(folder[VACANCES])

    assert with_root(app.app, state) == (3, "Inscriptions aux vacances d'été", PUBLIEE)


def test_parents_and_visitors_cannot_write_or_publish(app):
    parent, anonyme = client(app), client(app)
    login(parent, *PARENT)
    urls = (
        SDI,
        SDI + "/",
        AJOUTER,
        "%s/%s/@@modifier" % (SDI, BROUILLON_DEMO),
        "%s/%s/@@publication" % (SDI, BROUILLON_DEMO),
        "%s/%s/@@apercu" % (SDI, BROUILLON_DEMO),
    )
    for url in urls:
        response = parent.get(url, expect_errors=True)
        assert response.status_int in (302, 403, 404), url
        if response.status_int == 302:  # sent back to his home page
            assert "/manage" not in response.location, url
        response = anonyme.get(url, expect_errors=True)
        assert response.status_int in (302, 403, 404), url
        if response.status_int == 302:
            assert "/connexion" in response.location or "/login" in response.location
    for browser in (parent, anonyme):
        token = csrf(browser.get("/mot-de-passe" if browser is parent else "/connexion"))
        response = browser.post(
            "%s/%s/@@publication" % (SDI, BROUILLON_DEMO),
            {"transition": "publier", "csrf_token": token},
            expect_errors=True,
        )
        assert response.status_int in (302, 403, 404)
        if response.status_int == 302:
            assert "/manage" not in response.location
        response = browser.post(
            AJOUTER,
            {"titre": "Intrus", "texte": "x", "ajouter": "ajouter", "csrf_token": token},
            expect_errors=True,
        )
        assert response.status_int in (302, 403, 404)
    assert etat_de(app, BROUILLON_DEMO) == BROUILLON
    assert with_root(app.app, lambda root, registry: len(root["actualites"])) == 3


# --- The editors' confinement ---------------------------------------------------

NUMERO = DUPONT["numero"]
INTERDITS = (
    "/manage/familles",
    "/manage/familles/",
    "/manage/familles/%s/@@properties" % NUMERO,
    "/manage/familles/%s/@@contents" % NUMERO,
    "/manage/familles/%s/factures/" % NUMERO,
    "/manage/familles/%s/factures/AL-36" % NUMERO,
    "/manage/familles/%s/messages/" % NUMERO,
    "/manage/@@demandes",
    "/manage/regies",
    "/manage/regies/regie-garderie-alsh",
    "/familles/%s/" % NUMERO,
    "/familles/%s/releve-de-compte" % NUMERO,
    "/familles/%s/factures/AL-36/pdf" % NUMERO,
    "/familles/%s/messages/" % NUMERO,
)


def test_an_editor_reaches_no_family_invoice_message_or_request(editeur):
    for url in INTERDITS:
        response = editeur.get(url, expect_errors=True)
        assert response.status_int in (403, 404), (url, response.status)
        assert leaked(response.text, "dupont") == [], url
        assert "AL-36" not in response.text.replace(url, ""), url


def test_an_editor_manages_the_news_and_sees_the_documents(editeur):
    contents = editeur.get(SDI + "/@@contents")
    assert VACANCES in contents.text and BROUILLON_DEMO in contents.text
    assert "add_actualite" in contents.text
    # The grid says each item's state.
    assert "Brouillon" in contents.text
    editeur.get(AJOUTER, status=200)
    for tab in ("@@modifier", "@@publication", "@@apercu"):
        editeur.get("%s/%s/%s" % (SDI, BROUILLON_DEMO, tab), status=200)
    assert editeur.get("/manage/documents/", expect_errors=True).status_int in (200, 302)
    documents = editeur.get("/manage/documents/@@contents")
    assert documents.status_int == 200


def test_an_editor_reaches_no_conversation(app):
    from pyramid.scripting import prepare

    from portail_famille.messagerie import service

    env = prepare(registry=app.app.registry)
    try:
        famille = env["root"]["familles"][NUMERO]
        conversation = service.ecrire(
            env["request"], famille, "Cantine de lundi", "Texte privé de la famille"
        )
        nom = conversation.__name__
        transaction.commit()
    finally:
        env["closer"]()
    editeur = client(app)
    login(editeur, *EDITEUR)
    urls = (
        "/manage/familles/%s/messages/%s/@@conversation" % (NUMERO, nom),
        "/manage/familles/%s/messages/%s" % (NUMERO, nom),
        "/manage/familles/%s/messages/%s/@@piece-jointe" % (NUMERO, nom),
        "/familles/%s/messages/%s/" % (NUMERO, nom),
        "/manage/@@messagerie",
        "/manage/@@message-groupe",
    )
    for url in urls:
        response = editeur.get(url, expect_errors=True)
        assert response.status_int in (403, 404), (url, response.status)
        assert "Texte privé" not in response.text and "Cantine de lundi" not in response.text
    # A forged answer writes nothing.
    token = csrf(editeur.get("/mot-de-passe"))
    response = editeur.post(
        urls[0], {"texte": "Réponse", "repondre": "1", "csrf_token": token}, expect_errors=True
    )
    assert response.status_int in (403, 404)

    def messages(root, registry):
        return len(root["familles"][NUMERO]["messages"][nom].messages)

    assert with_root(app.app, messages) == 1
