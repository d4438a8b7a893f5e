"""No name or title is ever markup in the SDI (issue 15, item 2).

SubstanceD's folder grid wrote each name with its ``html`` formatter,
unescaped, and its flash messages (written as HTML) named objects: a
document renamed ``<img src=x onerror=…>``, or an agent's folder of that
name, ran script in the administrator's browser.  Now every name obeys the
slug rule when it is created or renamed (whatever the way: add forms, the
Upload tab, rename, a property sheet), and names and titles already stored
are shown as text in every grid, breadcrumb, form and message.
"""

import html
import io
import json
import re

import pytest
import webtest
from substanced.folder import Folder

from portail_famille.correctifs.amont import original
from portail_famille.correctifs.substanced import VALIDATE_NAME

from .. import hostile
from ..conftest import make_app, with_root
from .acces import pdf
from .test_injection import navigateur
from .test_sdi_fichiers import jeton, noms_de, png

IMG = "<img src=x onerror=alert('PFX1')>"
SCRIPT = "<script>alert('PFX2')</script>"
SVG = '"><svg onload=alert("PFX3")>'


@pytest.fixture(scope="module")
def ville(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("noms-sdi"))
    return {
        "app": app,
        "admin": navigateur(app, "admin"),
        "editeur": navigateur(app, "editeur"),
    }


def test_a_name_with_markup_is_refused_on_every_way_in(ville):
    app, admin = ville["app"], ville["admin"]
    avant = noms_de(app, "/")
    # A new folder: the French rule beside the field, nothing added.
    form = admin.get("/manage/@@add_folder").forms["deform"]
    form["name"] = IMG
    refused = form.submit("ajouter")
    assert "des lettres sans accent, des chiffres" in refused.text
    assert hostile.obeit(refused.text) == []
    form = refused.forms["deform"]
    form["name"] = "dossier-propre"
    assert form.submit("ajouter").status_int == 302
    # A new file named by hand.
    form = admin.get("/manage/dossier-propre/@@add_file").forms["deform"]
    form["name"] = "menu <b>2015</b>"
    form["upload"] = webtest.Upload("menu.png", png(), "image/png")
    refused = form.submit("ajouter")
    assert "des lettres sans accent, des chiffres" in refused.text
    form = refused.forms["deform"]
    form["name"] = "menu-2015.png"
    form["upload"] = webtest.Upload("menu.png", png(), "image/png")
    assert form.submit("ajouter").status_int == 302
    # Uploaded: its name made from the file's.
    page = admin.get("/manage/dossier-propre/@@contents")
    sent = admin.post(
        "/manage/dossier-propre/@@upload-submit",
        {"csrf_token": jeton(page)},
        upload_files=[("files[]", IMG + ".png", png())],
    )
    assert re.fullmatch(r"[a-z0-9-]+", sent.json["files"][0]["name"])
    # Renamed from the contents tab: refused with a message, not renamed.
    page = admin.post(
        "/manage/dossier-propre/@@contents",
        {"csrf_token": jeton(page), "form.rename": "rename", "item-modify": "menu-2015.png"},
    )
    response = admin.post(
        "/manage/dossier-propre/@@contents",
        {
            "csrf_token": jeton(admin.get("/manage/dossier-propre/@@contents")),
            "form.rename_finish": "rename_finish",
            "item-rename": "menu-2015.png",
            "menu-2015.png": IMG,
        },
    )
    suivante = response.follow()
    assert "des lettres sans accent, des chiffres" in suivante.text
    assert hostile.obeit(suivante.text) == []
    # Renamed from its property sheet.
    form = admin.get("/manage/dossier-propre/menu-2015.png/@@properties/Basic").forms["deform"]
    form["name"] = SVG
    refused = form.submit("save")
    assert "des lettres sans accent, des chiffres" in refused.text
    assert hostile.obeit(refused.text) == []
    contenu = noms_de(app, "/dossier-propre")
    assert "menu-2015.png" in contenu and all(re.fullmatch(r"[\w.-]+", n) for n in contenu)
    assert sorted(set(noms_de(app, "/")) - set(avant)) == ["dossier-propre"]


def test_an_editor_cannot_rename_a_document_to_markup(ville):
    """The issue's own case: whatever the editor's rights on the contents
    tab, the document keeps a name that is no markup."""
    app, editeur = ville["app"], ville["editeur"]
    folder = "/manage/documents/formulaires/"
    avant = noms_de(app, "/documents/formulaires")
    page = editeur.get(folder + "@@contents")
    editeur.post(
        folder + "@@contents",
        {
            "csrf_token": jeton(page),
            "form.rename_finish": "rename_finish",
            "item-rename": avant[0],
            avant[0]: IMG,
        },
        expect_errors=True,
    )
    assert noms_de(app, "/documents/formulaires") == avant


def test_every_folder_refuses_a_name_that_is_not_a_slug(ville):
    """The rule holds in the database whatever the caller (the portal's own
    code, a script): letters, digits, ``-``, ``_``, ``.``; logins may also
    hold ``@``."""

    def essayer(root, registry):
        refus = []
        for name in (IMG, "a b", "été", "..", ".", "a" * 101, "a/b", "<", "x>"):
            try:
                root["documents"].check_name(name)
            except ValueError as e:
                refus.append((name, isinstance(e, KeyError)))
        root["documents"].check_name("menu-2015_v2.pdf")
        users = root["principals"]["users"]
        users.check_name("paul.durand@example.org")
        try:
            users.check_name("<b>paul</b>")
        except ValueError:
            refus.append(("login", True))
        return refus

    refus = with_root(ville["app"].app, essayer)
    assert len(refus) == 10 and all(keyerror for _, keyerror in refus), refus


# --- Names and titles already stored ----------------------------------------------------


def cellules(page_ou_json, colonnes=None):
    """The HTML the SDI's grid writes for each cell, as its JavaScript
    formatters do (slickgrid-config.js): ``html`` as is, ``icon_label_url``
    built from its parts, no formatter escaped (SlickGrid's default)."""
    if colonnes is None:
        match = re.search(r"slickgridWrapperOptions: (\{.*\})\s*\}\);", page_ou_json, re.S)
        options = json.loads(match.group(1))
        colonnes, records = options["columns"], options["items"]["records"]
    else:
        records = page_ou_json["records"]
    out = []
    for record in records:
        for colonne in colonnes:
            value = record.get(colonne["field"])
            formatter = colonne.get("formatterName") or ""
            if value is None:
                continue
            if formatter == "html":
                out.append(str(value))
            elif formatter == "icon_label_url":
                out.append(
                    '<i class="%s"> </i> <a href="%s">%s</a>'
                    % (value.get("icon"), value.get("url"), value.get("name"))
                )
            elif formatter == "":
                out.append(html.escape(str(value), quote=False))
    return "\n".join("<div>%s</div>" % cell for cell in out), colonnes


@pytest.fixture(scope="module")
def anciens(ville):
    """Names and titles with markup stored before the rule (SubstanceD's
    own check only): a folder, a file in it, a document, an account."""

    def creer(root, registry):
        with pytest.MonkeyPatch.context() as m:
            m.setattr(Folder, "validate_name", original(VALIDATE_NAME))
            dossier = registry.content.create("Folder")
            dossier.title = SCRIPT
            root[IMG] = dossier
            fichier = registry.content.create("File", io.BytesIO(pdf()), "text/html")
            fichier.title = SCRIPT
            dossier[SVG] = fichier
            formulaires = root["documents"]["formulaires"]
            name = next(iter(formulaires))
            document = formulaires[name]
            document.title = SCRIPT
            formulaires.rename(name, IMG)
            root["principals"].add_user(IMG, "Mot-de-passe-2015", "x@example.org")

    with_root(ville["app"].app, creer)
    return ville


def _url(*names):
    from urllib.parse import quote

    return "/manage/" + "/".join(quote(n, safe="") for n in names)


def test_names_and_titles_already_stored_are_text_in_every_sdi_view(anciens):
    admin = anciens["admin"]
    grilles = [
        "/manage/@@contents",
        _url(IMG) + "/@@contents",
        "/manage/documents/formulaires/@@contents",
        "/manage/principals/users/@@contents",
    ]
    for url in grilles:
        page = admin.get(url)
        assert hostile.obeit(page.text) == [], url
        rendu, colonnes = cellules(page.text)
        assert hostile.MARQUE in rendu, url  # the names are shown...
        assert hostile.obeit(rendu) == [], url  # ...as text
        # The same grid's next rows, asked by its script.
        more = admin.get(url + "?from=0&to=40", xhr=True)
        rendu, _ = cellules(more.json, colonnes)
        assert hostile.MARQUE in rendu and hostile.obeit(rendu) == [], url
    # Breadcrumbs, tabs, titles, forms, the rename form.
    pages = [
        _url(IMG, SVG) + "/@@properties",
        _url(IMG, SVG) + "/@@properties/Upload",
        _url(IMG) + "/@@acl_edit",
        _url("documents", "formulaires", IMG) + "/@@properties",
        _url("principals", "users", IMG) + "/@@properties",
    ]
    for url in pages:
        page = admin.get(url)
        assert hostile.MARQUE in page.text, url
        assert hostile.obeit(page.text) == [], url
    page = admin.get(_url(IMG) + "/@@contents")
    renommer = admin.post(
        _url(IMG) + "/@@contents",
        {"csrf_token": jeton(page), "form.rename": "rename", "item-modify": SVG},
    )
    assert hostile.MARQUE in renommer.text and hostile.obeit(renommer.text) == []


def test_a_message_naming_a_stored_name_is_text(anciens):
    """SubstanceD's flash messages name objects (here: a file that cannot be
    pasted into the documents' root); the SDI writes them as HTML."""
    app, admin = anciens["app"], anciens["admin"]
    avant = noms_de(app, "/documents")
    page = admin.get(_url(IMG) + "/@@contents")
    admin.post(
        _url(IMG) + "/@@contents",
        {"csrf_token": jeton(page), "form.copy": "copy", "item-modify": SVG},
        expect_errors=True,
    )
    page = admin.get("/manage/documents/@@contents")
    response = admin.post(
        "/manage/documents/@@contents",
        {"csrf_token": jeton(page), "form.copy_finish": "copy_finish"},
        expect_errors=True,
    )
    suivante = response.follow() if response.status_int == 302 else response
    assert hostile.obeit(suivante.text) == []
    assert noms_de(app, "/documents") == avant


def test_a_flash_message_is_text_unless_the_portal_built_it(ville):
    """``sdiapi.flash`` escapes what it is given; markup the portal built
    from escaped parts says so (``echappement.Balisage``)."""
    from pyramid import testing
    from substanced.sdi import sdiapi

    from portail_famille.sdi.echappement import Balisage

    request = testing.DummyRequest()
    api = sdiapi(request)
    api.flash(IMG, "danger")
    api.flash(Balisage("<ul><li>un</li></ul>"), "warning")
    assert request.session.pop_flash("danger") == [html.escape(IMG, quote=False)]
    assert request.session.pop_flash("warning") == ["<ul><li>un</li></ul>"]
