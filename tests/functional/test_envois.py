"""Every upload point of the portal and of the SDI (a parent's message and
answer, the service's answer and group message, a document, a news image):
a file too large, or HTML/SVG/a polyglot under a PDF or image name, is
refused in French and nothing is stored; a good file keeps a display name
that is never a path nor a header, and is served as an attachment with
``nosniff`` and a sandboxing CSP."""

import io
import re

import pytest
import webtest
from PIL import Image
from pypdf import PdfWriter

from portail_famille.demo import COMPTES, DUPONT
from portail_famille.fichiers import MO

from ..conftest import DUPONT_URL, csrf, login, make_app, with_root

NUMERO = DUPONT["numero"]
BOITE = DUPONT_URL + "boite-de-reception"
GROUPE = "/manage/@@message-groupe"


def pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png():
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
# Polyglots: a file type's magic bytes, then a page a browser would run.
POLYGLOTTES = {
    "pdf": b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n",
    "png": b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>",
    "jpg": b"\xff\xd8\xff\xe0<svg onload=alert(1)></svg>",
}
TROP_GROS = b"%PDF-1.4\n" + b"0" * (5 * MO)

TAILLE = "Le fichier dépasse la taille maximale de 5 Mo."
TYPE = "Ce fichier n'est pas accepté : seuls les fichiers PDF, JPEG, PNG sont acceptés."
TYPE_IMAGE = "Ce fichier n'est pas accepté : seuls les fichiers JPEG, PNG sont acceptés."

MAUVAIS = {
    "trop-gros": ("gros.pdf", TROP_GROS, TAILLE),
    "html-en-pdf": ("menu.pdf", HTML, TYPE),
    "svg-en-png": ("image.png", SVG, TYPE),
    "polyglotte-pdf": ("menu.pdf", POLYGLOTTES["pdf"], TYPE),
    "polyglotte-png": ("image.png", POLYGLOTTES["png"], TYPE),
    "polyglotte-jpg": ("photo.jpg", POLYGLOTTES["jpg"], TYPE),
}


def navigateur(app, qui):
    browser = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"})
    login(browser, qui, COMPTES[qui][0])
    return browser


@pytest.fixture(scope="module")
def ville(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("envois"))
    return {
        "app": app,
        "parent": navigateur(app, "jean.dupont"),
        "agent": navigateur(app, "agent"),
        "editeur": navigateur(app, "editeur"),
    }


def _conversation(app):
    def first(root, registry):
        messages = root["familles"][NUMERO]["messages"]
        return sorted(messages.keys())[0]

    return "/familles/%s/messages/%s" % (NUMERO, with_root(app.app, first))


# --- Upload points: each posts one file and returns the answer -------------------


def message_parent(ville, nom, data):
    parent = ville["parent"]
    page = parent.get(BOITE + "?onglet=nouveau")
    values = {"csrf_token": csrf(page), "structure": "", "objet": "Pièce", "texte": "Voici"}
    return parent.post(BOITE, values, upload_files=[("fichier", nom, data)], expect_errors=True)


def reponse_parent(ville, nom, data):
    parent, url = ville["parent"], _conversation(ville["app"])
    page = parent.get(url)
    values = {"csrf_token": csrf(page), "texte": "Voici"}
    return parent.post(
        url + "/repondre", values, upload_files=[("fichier", nom, data)], expect_errors=True
    )


def reponse_service(ville, nom, data):
    agent, url = ville["agent"], "/manage" + _conversation(ville["app"]) + "/@@conversation"
    page = agent.get(url)
    values = {"csrf_token": csrf(page), "texte": "Voici", "repondre": "1"}
    return agent.post(url, values, upload_files=[("fichier", nom, data)], expect_errors=True)


def message_groupe(ville, nom, data):
    agent = ville["agent"]
    page = agent.get(GROUPE + "?cible=toutes")
    values = {
        "csrf_token": csrf(page),
        "cible": "toutes",
        "objet": "Pièce",
        "texte": "Voici",
        "envoyer": "1",
    }
    return agent.post(GROUPE, values, upload_files=[("fichier", nom, data)], expect_errors=True)


def document(ville, nom, data):
    editeur = ville["editeur"]
    form = editeur.get("/manage/documents/formulaires/@@add_document").forms["deform"]
    form["title"] = "Document %d" % len(data)
    form["upload"] = webtest.Upload(nom, data, "application/pdf")
    return form.submit("ajouter", expect_errors=True)


def actualite(ville, nom, data):
    editeur = ville["editeur"]
    form = editeur.get("/manage/actualites/@@add_actualite").forms["deform"]
    form["titre"] = "Actualité %d" % len(data)
    form["texte"] = "<p>Texte</p>"
    form["upload"] = webtest.Upload(nom, data, "image/png")
    return form.submit("ajouter", expect_errors=True)


DOSSIER = "/manage/documents/formulaires/dossier-d-inscription/@@properties"
VACANCES = "/manage/actualites/inscriptions-aux-vacances-d-ete/@@modifier"


def document_remplace(ville, nom, data):
    """A document's file replaced from its property sheet."""
    form = ville["editeur"].get(DOSSIER).forms["deform"]
    form["upload"] = webtest.Upload(nom, data, "application/pdf")
    return form.submit("save", expect_errors=True)


def image_remplacee(ville, nom, data):
    """A news item's image replaced from its "Modifier" tab."""
    form = ville["editeur"].get(VACANCES).forms["deform"]
    form["upload"] = webtest.Upload(nom, data, "image/png")
    return form.submit("enregistrer", expect_errors=True)


POINTS = {
    "message-parent": message_parent,
    "reponse-parent": reponse_parent,
    "reponse-service": reponse_service,
    "message-groupe": message_groupe,
    "document": document,
    "actualite": actualite,
    "document-remplace": document_remplace,
    "image-remplacee": image_remplacee,
}


def stocke(app):
    """What uploads could have added: every message of every family, the
    documents and the news."""

    def count(root, registry):
        messages = sum(
            len(c.messages) for f in root["familles"].values() for c in f["messages"].values()
        )
        dossier = root["documents"]["formulaires"]["dossier-d-inscription"].fichier
        image = root["actualites"]["inscriptions-aux-vacances-d-ete"].image
        return (
            messages,
            len(root["documents"]["formulaires"]),
            len(root["actualites"]),
            (dossier.nom, dossier.taille, dossier.blob._p_oid),
            image and (image.nom, image.taille, image.blob._p_oid),
        )

    return with_root(app.app, count)


@pytest.mark.parametrize("mauvais", list(MAUVAIS))
@pytest.mark.parametrize("point", list(POINTS))
def test_a_bad_file_is_refused_in_french_and_nothing_is_stored(ville, point, mauvais):
    nom, data, message = MAUVAIS[mauvais]
    if point in ("actualite", "image-remplacee") and message == TYPE:
        message = TYPE_IMAGE
    before = stocke(ville["app"])
    response = POINTS[point](ville, nom, data)
    assert response.status_int in (200, 400), response.status
    assert message in response.text.replace("&#39;", "'"), point
    assert "Traceback" not in response.text
    assert stocke(ville["app"]) == before


# --- A good file under a hostile name ---------------------------------------------

NOMS = {
    "chemin": "../../etc/passwd.pdf",
    "entete": 'a\r\nX-Injecte: 1";x=".pdf',
    "rtl": "facture\u202efdp.exe.pdf",
}


def _dernier_fichier(app, chemin):
    """(display name, mimetype) of the file of the object at ``chemin``
    (a message: its last message's file)."""

    def read(root, registry):
        obj = root
        for name in chemin:
            obj = obj[name]
        fichier = obj.messages[-1].fichier if hasattr(obj, "messages") else obj.fichier
        return fichier.nom, fichier.mimetype

    return with_root(app.app, read)


def check_download(response, nom_attendu=None):
    headers = response.headers
    disposition = headers["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "X-Injecte" not in headers
    assert all("\r" not in v and "\n" not in v for v in headers.values())
    assert response.content_type in ("application/pdf", "image/png", "image/jpeg")
    match = re.search(r'filename="([^"]*)"', disposition)
    assert match and "/" not in match.group(1) and ".." not in match.group(1).strip(".")
    if nom_attendu is not None:
        assert nom_attendu in disposition


@pytest.mark.parametrize("nom", list(NOMS))
def test_a_message_attachment_name_is_never_a_path_nor_a_header(ville, nom):
    app, parent, agent = ville["app"], ville["parent"], ville["agent"]
    assert message_parent(ville, NOMS[nom], pdf()).status_int == 302

    def last(root, registry):
        conversations = root["familles"][NUMERO]["messages"]
        return max(conversations.values(), key=lambda c: c.messages[-1].date).__name__

    conversation = with_root(app.app, last)
    affiche, mimetype = _dernier_fichier(app, ("familles", NUMERO, "messages", conversation))
    assert mimetype == "application/pdf"
    assert "/" not in affiche and "\r" not in affiche and "\n" not in affiche
    assert "\u202e" not in affiche and affiche
    url = "/familles/%s/messages/%s" % (NUMERO, conversation)
    lien = parent.get(url).html.select_one(".piece-jointe a")["href"]
    check_download(parent.get(lien))
    check_download(agent.get("/manage" + url + "/@@piece-jointe?n=0"))


def test_the_service_answer_and_group_message_files_download_as_attachments(ville):
    app, parent, agent = ville["app"], ville["parent"], ville["agent"]
    assert reponse_service(ville, NOMS["entete"], pdf()).status_int == 302
    url = _conversation(app)
    n = with_root(
        app.app,
        lambda root, r: len(root["familles"][NUMERO]["messages"][url.split("/")[-1]].messages),
    )
    check_download(agent.get("/manage" + url + "/@@piece-jointe?n=%d" % (n - 1)))
    liens = parent.get(url).html.select(".piece-jointe a")
    assert liens
    check_download(parent.get(liens[-1]["href"]))
    assert reponse_parent(ville, NOMS["chemin"], pdf()).status_int == 302
    check_download(parent.get(parent.get(url).html.select(".piece-jointe a")[-1]["href"]))
    assert message_groupe(ville, NOMS["rtl"], pdf()).status_int == 302


def test_a_document_downloads_as_an_attachment_under_its_display_name(ville):
    app, parent, editeur = ville["app"], ville["parent"], ville["editeur"]
    added = document(ville, NOMS["chemin"], pdf())
    assert added.status_int == 302, added.text[:300]
    name = added.location.split("/manage/documents/formulaires/")[1].split("/")[0]
    affiche, mimetype = _dernier_fichier(app, ("documents", "formulaires", name))
    assert mimetype == "application/pdf" and affiche == "passwd.pdf"
    check_download(parent.get("/documents/formulaires/%s/telecharger" % name), "passwd.pdf")
    check_download(editeur.get("/manage/documents/formulaires/%s/@@fichier" % name))


def test_a_news_image_is_served_inline_with_nosniff_and_a_sandbox(ville):
    app, editeur = ville["app"], ville["editeur"]
    added = actualite(ville, NOMS["entete"], png())
    assert added.status_int == 302, added.text[:300]
    name = re.search(r"/manage/actualites/([^/]+)/", added.location).group(1)
    form = editeur.get("/manage/actualites/%s/@@publication" % name).forms[0]
    form.submit("transition", value="publier", status=302)
    image = webtest.TestApp(app.app, extra_environ={"HTTP_HOST": "localhost"}).get(
        "/actualites/%s/@@image" % name
    )
    headers = image.headers
    assert image.content_type == "image/png"
    assert headers["Content-Disposition"].startswith("inline;")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]
    assert "X-Injecte" not in headers
    assert all("\r" not in v and "\n" not in v for v in headers.values())


def test_a_replaced_file_keeps_a_safe_name_and_headers(ville):
    app, parent = ville["app"], ville["parent"]
    assert document_remplace(ville, NOMS["entete"], pdf()).status_int == 302
    affiche, _mimetype = _dernier_fichier(
        app, ("documents", "formulaires", "dossier-d-inscription")
    )
    assert "\r" not in affiche and "\n" not in affiche and "/" not in affiche
    check_download(parent.get("/documents/formulaires/dossier-d-inscription/telecharger"))
    assert image_remplacee(ville, NOMS["rtl"], png()).status_int == 302

    def image(root, registry):
        return root["actualites"]["inscriptions-aux-vacances-d-ete"].image.nom

    assert "\u202e" not in with_root(app.app, image)
