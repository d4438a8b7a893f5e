"""SubstanceD's own files in the SDI (issue 15, item 1): no staff member's
upload runs as a page in another's session.

The attack: an agent uploads an HTML page with SubstanceD's ``@@add_file``
or ``@@upload`` into DUPONT's family folder; an administrator opens it; it
was served inline as ``text/html`` under the SDI's CSP, and its script
could make the agent an administrator.  Now the generic add-file /
add-folder / upload actions exist only in SubstanceD's own folders (the
root, a folder an administrator made), accept PDF, JPEG and PNG by their
content, and every SubstanceD File is served as an attachment with
``nosniff`` and a ``sandbox`` CSP (images inline only when they are
images).
"""

import io
import json
import re

import pytest
import webtest
from PIL import Image
from substanced.folder import is_sdi_addable
from substanced.interfaces import IFolder

from portail_famille.demo import DUPONT

from ..conftest import make_app, with_root
from .acces import pdf
from .test_injection import navigateur

FAMILLE = "/familles/%s/" % DUPONT["numero"]
HTML = b"<html><body><script>alert('PFX')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(\'PFX\')"/>'


def png():
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def ville(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("fichiers-sdi"))
    roles = {qui: navigateur(app, qui) for qui in ("agent", "regisseur", "editeur", "admin")}
    return dict(roles, app=app)


def noms_de(app, path):
    """The names in the folder at ``path`` (committed)."""

    def lire(root, registry):
        folder = root
        for name in [n for n in path.strip("/").split("/") if n]:
            folder = folder[name]
        return sorted(folder.keys())

    return with_root(app.app, lire)


def jeton(page):
    """The session's CSRF token, as a folder's contents page holds it."""
    return re.search(r'"csrfToken": "([^"]+)"', page.text).group(1)


def enfant(app):
    return with_root(
        app.app, lambda root, registry: next(iter(root["familles"][DUPONT["numero"]]["enfants"]))
    )


def lieux(app):
    """Each staff role's folders where it may add content (the role
    table's SDI_ADD) and the portal has its own forms."""
    return {
        "agent": [
            FAMILLE,
            FAMILLE + "enfants/%s/" % enfant(app),
            "/structures/accueil-de-loisirs-alsh/mercredi-apres-midi/",
            "/calendrier/2014-2015/",
            "/documents/formulaires/",
        ],
        "regisseur": ["/regies/regie-garderie-alsh/"],
        "editeur": ["/documents/menus-du-restaurant-scolaire/", "/actualites/"],
    }


def test_no_generic_upload_nor_folder_where_the_portal_has_its_own_forms(ville):
    """Neither offered (add menu, Upload tab) nor reachable, GET or POST:
    the HTML page is stored nowhere."""
    app = ville["app"]
    for role, paths in lieux(app).items():
        browser = ville[role]
        for path in paths:
            avant = noms_de(app, path)
            contents = browser.get("/manage" + path + "@@contents")
            for vue in ("@@add_file", "@@add_folder", "@@upload"):
                assert vue not in contents.text, (role, path, vue)
                response = browser.get("/manage" + path + vue, expect_errors=True)
                assert response.status_int == 404, (role, path, vue, response.status)
            token = jeton(contents)
            for vue, champs in (
                ("@@add_file", {"name": "page", "add": "add", "ajouter": "ajouter"}),
                ("@@upload-submit", {}),
            ):
                response = browser.post(
                    "/manage" + path + vue,
                    dict(champs, csrf_token=token),
                    upload_files=[("file", "page.html", HTML)],
                    expect_errors=True,
                )
                assert response.status_int == 404, (role, path, vue, response.status)
            response = browser.post(
                "/manage" + path + "@@add_folder",
                {"csrf_token": token, "name": "dossier", "add": "add", "ajouter": "ajouter"},
                expect_errors=True,
            )
            assert response.status_int == 404, (role, path, response.status)
            assert noms_de(app, path) == avant, (role, path)


def test_only_substanced_own_folders_take_its_generic_files_and_folders(ville):
    """Every folder of the portal says what it holds (``__sdi_addable__``):
    SubstanceD's File and Folder are addable only in the root, a plain
    folder, and SubstanceD's users and groups (administrators only)."""
    from pyramid.threadlocal import get_current_request

    def parcourir(root, registry):
        request = get_current_request()
        found = {}

        def rec(obj, depth):
            if not IFolder.providedBy(obj):
                return
            for content_type in ("File", "Folder"):
                if is_sdi_addable(obj, request, content_type):
                    found.setdefault(type(obj).__name__, set()).add(content_type)
            if depth < 6:
                for child in list(obj.values()):
                    rec(child, depth + 1)

        rec(root, 0)
        return found

    found = with_root(ville["app"].app, parcourir)
    assert set(found) == {"Root", "User", "Group"}, found


def _ajouter_fichier(browser, path, nom_fichier, data, name=""):
    form = browser.get("/manage" + path + "@@add_file").forms["deform"]
    form["name"] = name
    form["title"] = "Un titre"
    form["upload"] = webtest.Upload(nom_fichier, data, "application/pdf")
    return form.submit("ajouter", expect_errors=True)


def test_staff_uploads_are_pdf_jpeg_or_png_by_their_content(ville):
    app, admin = ville["app"], ville["admin"]
    avant = noms_de(app, "/")
    # An HTML page named like a PDF: refused beside the field, not stored.
    refused = _ajouter_fichier(admin, "/", "menu.pdf", HTML)
    assert refused.status_int == 200
    assert "n'est pas accepté" in refused.text
    assert noms_de(app, "/") == avant
    # A real PDF: stored, its type from its content; its name from the file's.
    added = _ajouter_fichier(admin, "/", "menu été.pdf", pdf())
    assert added.status_int == 302, added.text[:500]

    def lire(root, registry):
        fichier = root["menu-ete"]
        with fichier.blob.open("r") as f:
            return fichier.mimetype, f.read(), fichier.title

    assert with_root(app.app, lire) == ("application/pdf", pdf(), "Un titre")
    # The multiple upload: one refused (400, French message), one stored.
    page = admin.get("/manage/@@contents")
    refused = admin.post(
        "/manage/@@upload-submit",
        {"csrf_token": jeton(page)},
        upload_files=[("files[]", "photo.png", HTML)],
        expect_errors=True,
    )
    assert refused.status_int == 400
    assert "n'est pas accepté" in json.loads(refused.text)["files"][0]["error"]
    accepted = admin.post(
        "/manage/@@upload-submit",
        {"csrf_token": jeton(page)},
        upload_files=[("files[]", "photo.svg", png())],
    )
    assert accepted.json["files"][0]["name"] == "photo"

    def photo(root, registry):
        return root["photo"].mimetype, sorted(set(root.keys()) - set(avant))

    assert with_root(app.app, photo) == ("image/png", ["menu-ete", "photo"])
    # Without the session's token: refused, nothing stored.
    for vue in ("@@upload-submit", "@@add_file"):
        refused = admin.post(
            "/manage/" + vue,
            {"name": "sans-jeton", "ajouter": "ajouter"},
            upload_files=[("files[]", "x.png", png())],
            expect_errors=True,
        )
        assert refused.status_int == 400, vue
    assert "sans-jeton" not in noms_de(app, "/") and "x" not in noms_de(app, "/")


def test_a_file_s_sheets_keep_its_checked_type(ville):
    """Its Upload sheet replaces it only by a PDF, JPEG or PNG; its Basic
    sheet no longer lets anybody type its MIME type."""
    app, admin = ville["app"], ville["admin"]

    def creer(root, registry):
        root["remplace"] = registry.content.create("File", io.BytesIO(pdf()), "application/pdf")

    with_root(app.app, creer)
    page = admin.get("/manage/remplace/@@properties/Basic")
    assert "title" in page.forms["deform"].fields
    assert "mimetype" not in page.forms["deform"].fields
    form = admin.get("/manage/remplace/@@properties/Upload").forms["deform"]
    form["upload"] = webtest.Upload("nouveau.pdf", HTML, "application/pdf")
    refused = form.submit("save", expect_errors=True)
    assert "n'est pas accepté" in refused.text

    def lire(root, registry):
        with root["remplace"].blob.open("r") as f:
            return root["remplace"].mimetype, f.read()

    assert with_root(app.app, lire) == ("application/pdf", pdf())


def _stocker(app, fichiers):
    def creer(root, registry):
        for name, (data, mimetype) in fichiers.items():
            root[name] = registry.content.create("File", io.BytesIO(data), mimetype)

    with_root(app.app, creer)


def test_every_substanced_file_is_served_as_an_attachment(ville):
    """Files stored before (or by any other way): whatever their stored MIME
    type, served as what their content is, as attachments, ``nosniff``,
    sandboxed; a real image inline."""
    app, admin, agent = ville["app"], ville["admin"], ville["agent"]
    _stocker(
        app,
        {
            "page": (HTML, "text/html"),
            "faux-png": (HTML, "image/png"),
            "dessin": (SVG, "image/svg+xml"),
            "releve": (pdf(), "text/html"),
            "image": (png(), "image/png"),
        },
    )
    attendus = {
        "page": ("application/octet-stream", "attachment"),
        "faux-png": ("application/octet-stream", "attachment"),
        "dessin": ("application/octet-stream", "attachment"),
        "releve": ("application/pdf", "attachment"),
        "image": ("image/png", "inline"),
    }
    for browser in (admin, agent):
        for name, (content_type, disposition) in attendus.items():
            response = browser.get("/manage/%s" % name)
            assert response.content_type == content_type, name
            assert response.headers["Content-Disposition"].startswith(disposition + ";"), name
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "sandbox" in response.headers["Content-Security-Policy"]
            assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_the_preview_of_an_upload_shows_only_a_checked_image(ville):
    """A file kept while the form is corrected is previewed only if it is a
    JPEG or PNG, by its content, whatever its name."""
    admin = ville["admin"]
    # A valid PNG named .svg, kept because the name field is wrong.
    refused = _ajouter_fichier(admin, "/", "dessin.svg", png(), name="@@mauvais")
    uid = re.search(r'name="uid" value="([^"]+)"', refused.text).group(1)
    apercu = admin.get("/manage/@@preview_image_upload/%s" % uid)
    assert apercu.content_type == "image/png"
    assert apercu.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in apercu.headers["Content-Security-Policy"]
    # An SVG page: refused at once, nothing kept to preview.
    refused = _ajouter_fichier(admin, "/", "dessin.svg", SVG, name="@@mauvais")
    assert 'name="uid"' not in refused.text
