"""Documents and menus: editors and agents upload them in the SDI (files
checked by content and size), families see and download those their ACL
allows (all families, or those with a child enrolled this school year in
a structure or prestation) between their publication dates; the others
get a 404, the anonymous the login page."""

import base64
import datetime
import io
import json
import os
import re

import webtest
from bs4 import BeautifulSoup
from pypdf import PdfReader, PdfWriter
from substanced.folder import Folder
from substanced.util import get_acl, get_oid

from portail_famille import dates
from portail_famille.demo import DUPONT
from portail_famille.documents import demo as demo_documents
from portail_famille.documents import visibilite
from portail_famille.documents.resources import Documents
from portail_famille.evolve import step9
from portail_famille.fichiers import MO

from ..conftest import COMPTES, login, martin_logged_in, with_root
from .conftest import client

PAGE_DUPONT = "/familles/%s/documents" % DUPONT["numero"]
FORMULAIRES = "/documents/formulaires/"
ALSH_DOC = FORMULAIRES + "programme-des-mercredis-alsh/telecharger"
INSCRIPTION = FORMULAIRES + "dossier-d-inscription/telecharger"
MENUS = "/documents/menus-du-restaurant-scolaire/"
ADD = "/manage/documents/formulaires/@@add_document"

with open(os.path.join(demo_documents.DEMO, "menu-03.pdf"), "rb") as _fp:
    PDF = _fp.read()
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def menu(decalage):
    premier, _dernier = demo_documents._mois(dates.today(), decalage)
    return MENUS + "menus-%s/telecharger" % premier.strftime("%Y-%m")


def titres(page):
    """{folder title: [document titles]} of the family's documents page."""
    soup = BeautifulSoup(page.text, "html.parser")
    return {
        section.h2.get_text(strip=True): [
            th.contents[0].strip() for th in section.select("tbody th")
        ]
        for section in soup.select("section.documents")
    }


def liens(page):
    return re.findall(r'href="(/documents/[^"]+)"', page.text)


def erreur(page, champ):
    """The error message shown next to the field ``champ`` (None if none)."""
    soup = BeautifulSoup(page.text, "html.parser")
    item = soup.find(class_="item-%s" % champ)
    assert item is not None, "no field %s" % champ
    message = item.find(class_="help-block", id=lambda i: i and i.startswith("error-"))
    return message.get_text(strip=True) if message else None


def staff(app, role):
    browser = client(app)
    login(browser, role, COMPTES[role][0])
    return browser


def famille_page(app, parent):
    if parent == "martin":
        return martin_logged_in(app), "/familles/1001001818400/documents"
    return staff(app, "jean.dupont"), PAGE_DUPONT


def formulaire(browser, title="Menus de test", fichier=("menu.pdf", PDF), du="", au="", cible=None):
    form = browser.get(ADD).forms["deform"]
    form["title"] = title
    form["description"] = "Une description <b>échappée</b>"
    form.set("date", du, index=0)
    form.set("date", au, index=1)
    if cible is not None:
        form["cible"] = cible
    if fichier is not None:
        form["upload"] = webtest.Upload(fichier[0], fichier[1], "application/pdf")
    return form


def contenu(app, dossier="formulaires"):
    return with_root(app.app, lambda root, r: sorted(root["documents"][dossier].keys()))


def oid_de(app, *path):
    def read(root, registry):
        found = root
        for name in path:
            found = found[name]
        return get_oid(found)

    return with_root(app.app, read)


def fichiers_temporaires(app):
    directory = app.app.registry.settings["substanced.uploads_tempdir"]
    return os.listdir(directory)


# --- What families see --------------------------------------------------


def test_dupont_sees_and_downloads_the_alsh_only_document(dupont):
    page = dupont.get(PAGE_DUPONT)
    found = titres(page)
    assert list(found) == ["Menus du restaurant scolaire", "Formulaires"]
    assert "Programme des mercredis de l'ALSH" in found["Formulaires"]
    assert "Dossier d'inscription" in found["Formulaires"]
    assert ALSH_DOC in liens(page)
    response = dupont.get(ALSH_DOC, status=200)
    assert (
        response.body == open(os.path.join(demo_documents.DEMO, "programme-alsh.pdf"), "rb").read()
    )
    assert response.content_type == "application/pdf"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="programme-alsh.pdf"'
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Type, size and date are shown.
    row = BeautifulSoup(page.text, "html.parser").find("a", href=ALSH_DOC).find_parent("tr")
    cells = [td.get_text(strip=True) for td in row.find_all("td")]
    assert cells[0] == "PDF" and cells[1] == "20 Ko"
    assert re.match(r"^\d\d/\d\d/\d{4}$", cells[2])
    # The family pages link to it.
    home = dupont.get("/familles/%s/" % DUPONT["numero"])
    assert 'href="%s"' % PAGE_DUPONT in home.text
    assert "Infos/Documents - Formulaires" in home.text


def test_martin_neither_lists_nor_downloads_the_alsh_only_document(martin):
    page = martin.get("/familles/1001001818400/documents")
    found = titres(page)
    assert "Programme des mercredis de l'ALSH" not in found["Formulaires"]
    assert "Dossier d'inscription" in found["Formulaires"]
    assert ALSH_DOC not in liens(page)
    refused = martin.get(ALSH_DOC, status=404)
    assert b"%PDF" not in refused.body
    for url in (
        ALSH_DOC + "/",
        FORMULAIRES + "programme-des-mercredis-alsh",
        FORMULAIRES + "programme-des-mercredis-alsh/@@telecharger",
        PAGE_DUPONT,
    ):
        assert martin.get(url, status=404).status_int == 404
    # The SDI sends a parent back to his home page.
    sdi = martin.get("/manage" + ALSH_DOC.rsplit("/", 1)[0] + "/@@properties", status=302)
    assert sdi.location == "http://localhost/"
    # What every family sees, she downloads.
    assert martin.get(INSCRIPTION, status=200).body.startswith(b"%PDF")


def test_publication_dates(dupont, editeur, monkeypatch):
    today = dates.today()
    passe, courant, suivant = menu(-1), menu(0), menu(1)
    page = dupont.get(PAGE_DUPONT)
    menus = titres(page)["Menus du restaurant scolaire"]
    assert len(menus) == 2  # this month's and the next one's; last month's is over
    assert passe not in liens(page)
    assert set(liens(page)) >= {courant, suivant}
    # Newest first: next month's menu (published with this month's, until later).
    assert liens(page).index(suivant) < liens(page).index(courant)
    dupont.get(passe, status=404)
    # The staff still get it.
    assert editeur.get(passe, status=200).body.startswith(b"%PDF")
    # This month's menu, once the month is over: neither listed nor served.
    _premier, dernier = demo_documents._mois(today, 0)
    monkeypatch.setattr(dates, "today", lambda: dernier + datetime.timedelta(days=1))
    page = dupont.get(PAGE_DUPONT)
    assert courant not in liens(page) and suivant in liens(page)
    dupont.get(courant, status=404)
    # Before a document's first day: the same.
    premier, _dernier = demo_documents._mois(today, 0)
    monkeypatch.setattr(dates, "today", lambda: premier - datetime.timedelta(days=1))
    page = dupont.get(PAGE_DUPONT)
    assert courant not in liens(page) and suivant not in liens(page)
    dupont.get(suivant, status=404)
    assert editeur.get(suivant, status=200).body.startswith(b"%PDF")


def test_anonymous_goes_to_the_login_page(anonymous):
    for url in (PAGE_DUPONT, ALSH_DOC, INSCRIPTION, "/manage/documents/@@contents"):
        response = anonymous.get(url, status=302)
        assert "/connexion" in response.location
        assert b"%PDF" not in response.body


def test_enrolment_principals_only_where_they_matter(dupont, monkeypatch):
    """The home page (benchmarked) never computes them; a document does."""
    calls = []
    real = visibilite.principaux

    def spy(request, user):
        calls.append(request.path)
        return real(request, user)

    monkeypatch.setattr(visibilite, "principaux", spy)
    dupont.get("/familles/%s/" % DUPONT["numero"])
    dupont.get("/familles/%s/mes-enfants" % DUPONT["numero"])
    assert calls == []
    dupont.get(ALSH_DOC)
    dupont.get(PAGE_DUPONT)
    assert ALSH_DOC in calls and PAGE_DUPONT in calls


# --- Who manages them ----------------------------------------------------


def test_editors_and_agents_manage_regisseurs_and_parents_cannot(editeur, agent, regisseur, dupont):
    for browser in (editeur, agent):
        assert browser.get(ADD, status=200).forms["deform"]
        browser.get("/manage/documents/@@contents", status=200)
        browser.get("/manage/documents/@@add_dossier_documents", status=200)
        browser.get("/manage/documents/formulaires/dossier-d-inscription/@@properties", status=200)
        assert browser.get(ALSH_DOC, status=200).body.startswith(b"%PDF")
    # The grid tells when and by whom each document is seen; a tab downloads it.
    grid = editeur.get("/manage/documents/formulaires/@@contents").text
    for label in (
        "Familles ayant un enfant inscrit à : Accueil de Loisirs ALSH",
        "Toutes les familles",
    ):
        assert '"Visible par": %s' % json.dumps(label) in grid
    sdi_file = "/manage/documents/formulaires/programme-des-mercredis-alsh/@@fichier"
    assert editeur.get(sdi_file, status=200).body.startswith(b"%PDF")
    regisseur.get(sdi_file, status=(403, 404))
    token = re.search(r'name="_csrf_token_" value="([^"]+)"', editeur.get(ADD).text)
    for url in (
        ADD,
        "/manage/documents/@@add_dossier_documents",
        "/manage/documents/formulaires/dossier-d-inscription/@@properties",
    ):
        refused = regisseur.get(url, status=(403, 404))
        assert "deform" not in refused.text
    regisseur.post(ADD, {"title": "x", "ajouter": "ajouter"}, status=(403, 404))
    regisseur.get(ALSH_DOC, status=403)
    assert token  # the editor's form has its CSRF token
    assert with_root(regisseur.app, lambda root, r: len(root["documents"]["formulaires"])) == 2
    for url in (ADD, "/manage/documents/@@contents"):
        assert dupont.get(url, status=302).location == "http://localhost/"


def test_editor_uploads_through_the_sdi_and_the_acl_follows_the_target(app):
    editeur = staff(app, "editeur")
    prestation = oid_de(app, "structures", "accueil-de-loisirs-alsh", "mercredi-apres-midi")
    form = formulaire(
        editeur,
        title="Sortie du mercredi",
        fichier=("sortie du mercredi.pdf", PDF),
        du=dates.today().isoformat(),
        cible="prestation:%d" % prestation,
    )
    added = form.submit("ajouter", status=302)
    assert added.location.endswith("/manage/documents/formulaires/sortie-du-mercredi/@@properties")
    url = FORMULAIRES + "sortie-du-mercredi/telecharger"

    def acl(root, registry):
        return get_acl(root["documents"]["formulaires"]["sortie-du-mercredi"])

    assert with_root(app.app, acl) == [
        ("Allow", "inscrit:prestation:%d" % prestation, ("documents:document:voir",))
    ]
    dupont, page_dupont = famille_page(app, "dupont")
    martin, page_martin = famille_page(app, "martin")
    page = dupont.get(page_dupont)
    assert "Sortie du mercredi" in titres(page)["Formulaires"]
    assert "Une description &lt;b&gt;échappée&lt;/b&gt;" in page.text
    response = dupont.get(url, status=200)
    assert response.body == PDF
    assert "filename*=UTF-8''sortie%20du%20mercredi.pdf" in response.headers["Content-Disposition"]
    assert "Sortie du mercredi" not in martin.get(page_martin).text
    martin.get(url, status=404)

    # Visible by every family: the ACL is rewritten, MARTIN gets it.
    form = editeur.get("/manage/documents/formulaires/sortie-du-mercredi/@@properties").forms[
        "deform"
    ]
    form["cible"] = "familles"
    form.submit("save", status=302)
    assert with_root(app.app, acl)[0][2] == ("documents:document:voir",)
    assert "inscrit:" not in str(with_root(app.app, acl))
    assert "Sortie du mercredi" in martin.get(page_martin).text
    assert martin.get(url, status=200).body == PDF
    # A refused replacement keeps the file; a good one replaces it.
    form = editeur.get("/manage/documents/formulaires/sortie-du-mercredi/@@properties").forms[
        "deform"
    ]
    form["upload"] = webtest.Upload("menu.pdf", HTML, "application/pdf")
    refused = form.submit("save", status=200)
    assert erreur(refused, "fichier") == (
        "Ce fichier n'est pas accepté : seuls les fichiers PDF, JPEG, PNG sont acceptés."
    )
    assert martin.get(url, status=200).body == PDF
    form = editeur.get("/manage/documents/formulaires/sortie-du-mercredi/@@properties").forms[
        "deform"
    ]
    autre = open(os.path.join(demo_documents.DEMO, "menu-04.pdf"), "rb").read()
    form["upload"] = webtest.Upload("avril.pdf", autre, "application/pdf")
    form.submit("save", status=302)
    assert martin.get(url, status=200).body == autre
    # A target only the structure's families have: DUPONT yes, MARTIN no.
    structure = oid_de(app, "structures", "accueil-de-loisirs-alsh")
    form = editeur.get("/manage/documents/formulaires/sortie-du-mercredi/@@properties").forms[
        "deform"
    ]
    form["cible"] = "structure:%d" % structure
    form.submit("save", status=302)
    martin.get(url, status=404)
    dupont.get(url, status=200)
    # A prestation DUPONT's child is not enrolled in this year: nobody.
    vacances = oid_de(app, "structures", "accueil-de-loisirs-alsh", "vacances-journee")
    form = editeur.get("/manage/documents/formulaires/sortie-du-mercredi/@@properties").forms[
        "deform"
    ]
    form["cible"] = "prestation:%d" % vacances
    form.submit("save", status=302)
    dupont.get(url, status=404)
    assert "Sortie du mercredi" not in dupont.get(page_dupont).text


def test_refused_files_and_dates_nothing_stored(app):
    agent = staff(app, "agent")
    avant = contenu(app)
    cas = (
        (
            ("menu.pdf", HTML),
            "fichier",
            "Ce fichier n'est pas accepté : seuls les fichiers PDF, JPEG, PNG sont acceptés.",
        ),
        (
            ("menu.pdf", b"%PDF-1.4\n" + b"0" * (5 * MO)),
            "fichier",
            "Le fichier dépasse la taille maximale de 5 Mo.",
        ),
        (
            ("menu.pdf", b"%PDF-1.4 tronque"),
            "fichier",
            "Ce fichier n'est pas accepté : seuls les fichiers PDF, JPEG, PNG sont acceptés.",
        ),
        (("vide.pdf", b""), "fichier", "Le fichier envoyé est vide."),
        (None, "fichier", "Ce champ est obligatoire."),
    )
    for fichier, champ, message in cas:
        refused = formulaire(agent, fichier=fichier).submit("ajouter", status=200)
        assert erreur(refused, champ) == message, fichier and fichier[1][:20]
        assert "Traceback" not in refused.text
        # The refused file is not offered to keep.
        assert 'name="uid"' not in refused.text
        assert contenu(app) == avant
        assert fichiers_temporaires(app) == []
    # A date that is not one, a target that is not offered, a title too long.
    form = formulaire(agent, title="x" * 201, du="31/02/2030")
    form["cible"].force_value("prestation:999999")
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "visible_du") == "Date invalide."
    assert erreur(refused, "cible") == "Choix invalide."
    assert erreur(refused, "title") == "Au plus 200 caractères."
    assert contenu(app) == avant
    # Dates in the wrong order: the valid file is kept while they are corrected.
    form = formulaire(agent, title="Menus de juin", du="2030-06-30", au="2030-06-01")
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "visible_au") == (
        "La fin de la visibilité doit être le jour de son début ou après."
    )
    assert erreur(refused, "fichier") is None
    assert contenu(app) == avant
    form = refused.forms["deform"]
    assert form["uid"].value
    form.set("date", "2030-05-25", index=0)
    form.submit("ajouter", status=302)
    assert contenu(app) == sorted(avant + ["menus-de-juin"])
    assert fichiers_temporaires(app) == []

    def read(root, registry):
        document = root["documents"]["formulaires"]["menus-de-juin"]
        return (
            document.visible_du,
            document.visible_au,
            document.fichier.contenu() == PDF,
            document.fichier.mimetype,
        )

    assert with_root(app.app, read) == (
        datetime.date(2030, 5, 25),
        datetime.date(2030, 6, 1),
        True,
        "application/pdf",
    )


def gros_pdf(taille):
    """A real PDF of about ``taille`` bytes (a menu with an attachment)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(PDF)))
    writer.add_attachment("annexe.bin", os.urandom(taille - len(PDF)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_of_almost_5_mo_goes_through_the_default_limits(app):
    agent = staff(app, "agent")
    data = gros_pdf(int(4.9 * MO))
    assert 4.8 * MO < len(data) <= 5 * MO
    formulaire(agent, title="Gros menu", fichier=("gros.pdf", data)).submit("ajouter", status=302)
    dupont, _page = famille_page(app, "dupont")
    assert dupont.get(FORMULAIRES + "gros-menu/telecharger", status=200).body == data


def test_evolve_step9_retypes_an_old_documents_folder_keeping_its_children(app):
    def old(root, registry):
        ancien = Folder()
        ancien.title = "Infos/Documents - Formulaires"
        formulaires = root["documents"].remove("formulaires", registry=registry)
        root.remove("documents", registry=registry)
        root.add("documents", ancien, registry=registry)
        ancien.add("formulaires", formulaires, registry=registry)
        return registry.content.typeof(root["documents"])

    assert with_root(app.app, old) == "Folder"
    with_root(app.app, step9.evolve)

    def read(root, registry):
        documents = root["documents"]
        return (
            registry.content.typeof(documents),
            isinstance(documents, Documents),
            sorted(documents.keys()),
            sorted(documents["formulaires"].keys()),
            [d.title for d in documents.dossiers()],
        )

    assert with_root(app.app, read) == (
        "Documents",
        True,
        ["formulaires"],
        ["dossier-d-inscription", "programme-des-mercredis-alsh"],
        ["Formulaires"],
    )
    # The role table's ACL is back, the documents' own ones kept.
    dupont, page = famille_page(app, "dupont")
    assert dupont.get(ALSH_DOC, status=200).body.startswith(b"%PDF")
    assert "Formulaires" in titres(dupont.get(page))
    assert staff(app, "editeur").get(ADD, status=200)
    martin, _page = famille_page(app, "martin")
    martin.get(ALSH_DOC, status=404)


def test_demo_is_idempotent(app):
    def again(root, registry):
        avant = {name: sorted(d.keys()) for name, d in root["documents"].items()}
        demo_documents.load(root, registry)
        return avant == {name: sorted(d.keys()) for name, d in root["documents"].items()}

    assert with_root(app.app, again)


def test_the_demo_months_cross_the_years():
    mois = demo_documents._mois
    assert mois(datetime.date(2026, 12, 15), 1) == (
        datetime.date(2027, 1, 1),
        datetime.date(2027, 1, 31),
    )
    assert mois(datetime.date(2027, 1, 31), -1) == (
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 31),
    )
    assert mois(datetime.date(2028, 2, 10), 0) == (
        datetime.date(2028, 2, 1),
        datetime.date(2028, 2, 29),
    )


def test_editor_adds_a_folder_shown_to_families_once_it_holds_a_document(app):
    editeur = staff(app, "editeur")
    form = editeur.get("/manage/documents/@@add_dossier_documents").forms["deform"]
    refused = form.submit("ajouter", status=200)
    assert erreur(refused, "title") == "Ce champ est obligatoire."
    form = refused.forms["deform"]
    form["title"] = "Activités de l'été"
    added = form.submit("ajouter", status=302)
    assert added.location.endswith("/manage/documents/activites-de-l-ete/@@properties")
    dupont, page = famille_page(app, "dupont")
    assert "Activités de l'été" not in titres(dupont.get(page))  # empty: not shown
    form = editeur.get("/manage/documents/activites-de-l-ete/@@add_document").forms["deform"]
    form["title"] = "Sorties"
    form["upload"] = webtest.Upload("sorties.png", PNG, "image/png")
    form.submit("ajouter", status=302)
    found = titres(dupont.get(page))
    assert list(found)[-1] == "Activités de l'été" and found["Activités de l'été"] == ["Sorties"]
    response = dupont.get("/documents/activites-de-l-ete/sorties/telecharger", status=200)
    assert response.content_type == "image/png" and response.body == PNG
    assert "PNG" in dupont.get(page).text
