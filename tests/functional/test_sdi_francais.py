"""Every SDI page a staff member opens is French: no English word of
SubstanceD's (its tabs, buttons, grid, messages), no raw ``${…}`` of a
translation string, no plural marker of its catalog (``one:``), no random
id in a heading or breadcrumb where a child or a family has a name.

The pages are those of the access sweep (``acces.vues``): each SDI view an
agent, a régisseur or an editor may GET, on the demo's objects.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from pyramid.request import Request
from pyramid.traversal import find_resource

from ..conftest import with_root
from . import acces

ROLES = ("agent", "regisseur", "editeur", "admin")
# Words SubstanceD writes in English, as whole words of the visible text.
ANGLAIS = (
    "Save",
    "Cancel",
    "Delete",
    "Updated",
    "Could not",
    "Contents",
    "Properties",
    "No items",
    "Security",
    "Services",
    "Database",
    "Undo",
    "Rename",
    "Copy",
    "Move",
    "Paste",
    "Duplicate",
    "Add",
    "Name",
    "Title",
    "Root",
    "Logout",
    "Log out",
    "Log Out",
    "Account",
    "selected",
    "Required",
    "Please",
    "Error",
    "Manage",
    "Home",
    "Search",
    "Filter",
    "Submit",
    "Upload",
    "Edit",
    "Sorry",
    "item",
    "items",
    "Loading",
    "Next",
    "Previous",
)
MOT_ANGLAIS = re.compile(r"\b(%s)\b" % "|".join(re.escape(m) for m in ANGLAIS))
PLACEHOLDER = re.compile(r"\$\{")
PLURIEL = re.compile(r"\b(one|other|few|many)\s*:")
# SubstanceD's random names (RandomAutoNamingFolder): seven capitals or
# digits; and in a breadcrumb, a family's 13-digit number for its name.
ID_ALEATOIRE = re.compile(r"\b(?=[A-Z0-9]*[0-9])(?=[A-Z0-9]*[A-Z])[A-Z0-9]{7}\b")
NUMERO = re.compile(r"\b\d{13}\b")


class Texte(HTMLParser):
    """The text a person reads: the page's text nodes, its buttons' values,
    titles and placeholders; the headings and the breadcrumbs apart."""

    VIDES = ("script", "style")
    SANS_FIN = ("input", "br", "img", "meta", "link", "hr")

    def __init__(self):
        super().__init__()
        self.morceaux, self.titres, self.fil = [], [], []
        self.pile = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("title", "placeholder", "aria-label", "alt"):
            if attrs.get(name):
                self.morceaux.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.morceaux.append(attrs["value"])
        if tag not in self.SANS_FIN:
            fil = "breadcrumb" in (attrs.get("class") or "")
            self.pile.append((tag, tag in ("h1", "h2", "h3", "title") or fil, fil))

    def handle_endtag(self, tag):
        while self.pile:
            if self.pile.pop()[0] == tag:
                break

    def handle_data(self, data):
        if any(tag in self.VIDES for tag, _, _ in self.pile):
            return
        self.morceaux.append(data)
        if any(titre for _, titre, _ in self.pile):
            self.titres.append(data)
        if any(fil for _, _, fil in self.pile):
            self.fil.append(data)


def _texte(morceaux):
    return " ".join(" ".join(morceaux).split())


def fautes(html):
    """What is not French (or shows an id) in a page, each with its context."""
    lecteur = Texte()
    lecteur.feed(html)
    texte, titres, fil = _texte(lecteur.morceaux), _texte(lecteur.titres), _texte(lecteur.fil)
    found = []
    for motif, quoi, dans in (
        (MOT_ANGLAIS, "English", texte),
        (PLACEHOLDER, "placeholder", texte),
        (PLURIEL, "plural marker", texte),
        (ID_ALEATOIRE, "id", titres),
        (NUMERO, "number", fil),
    ):
        for match in motif.finditer(dans):
            start = max(0, match.start() - 40)
            found.append("%s %r in …%s…" % (quoi, match.group(0), dans[start : match.end() + 40]))
    return found


def test_the_reader_finds_each_kind_of_leak():
    page = (
        '<h1>PJ4JYOG</h1><ol class="breadcrumb"><li>1001001818331</li></ol>'
        '<p>one: 1 Elément supprimé, ${jours} journée(s)</p><input type="submit" value="Save">'
        "<script>var Save = 1;</script><p>Enregistrer</p>"
    )
    kinds = [f.split()[0] for f in fautes(page)]
    assert sorted(kinds) == ["English", "id", "number", "placeholder", "plural"]
    assert fautes("<h1>Lucas DUPONT</h1><p>Contenus, Propriétés, 1001001818331</p>") == []


@pytest.fixture(scope="module")
def pages(shared, dupont, agent, regisseur, editeur, admin):
    """{role: [(url, html)]} of every SDI page the role may GET."""
    acces.preparer_dupont(shared, dupont)
    arbre = acces.objets(shared)
    browsers = {"agent": agent, "regisseur": regisseur, "editeur": editeur, "admin": admin}
    out = {role: [] for role in ROLES}
    for vue in acces.vues(shared.app.registry):
        if vue.exception or vue.methode != "GET" or vue.route != "substanced_manage":
            continue
        if vue.xhr:
            continue
        try:
            url = acces.url_de(shared, vue, arbre, {})
        except AssertionError:  # no such object in the demo (a reset link)
            continue
        for role in ROLES:
            response = browsers[role].get(url, headers=acces.en_tetes(vue), expect_errors=True)
            if response.status_int == 200 and response.content_type == "text/html":
                out[role].append((url, response.text))
    return out


@pytest.mark.parametrize("role", ROLES)
def test_every_sdi_page_of_the_role_is_french(pages, role):
    assert len(pages[role]) >= 5
    problems = []
    for url, html in pages[role]:
        problems += ["%s: %s" % (url, f) for f in fautes(html)]
    assert not problems, "\n".join(sorted(set(problems)))


def messages_de(page):
    """The SDI's flash messages of ``page`` (without their closing ×)."""
    return [
        m.get_text(" ", strip=True).lstrip("×").strip()
        for m in page.html.select("#messages .alert")
    ]


def _chemin(shared, interface):
    return next(path for path, provided, _ in acces.objets(shared) if interface in provided)


def test_the_breadcrumbs_name_the_family_and_the_child(shared, agent):
    from portail_famille.familles.resources import IEnfant

    chemin = _chemin(shared, IEnfant)
    page = agent.get("/manage%s/@@properties" % chemin)
    fil = [a.get_text(strip=True) for a in page.html.select("ul.breadcrumb li a")]

    def noms(root):
        enfant = find_resource(root, chemin)
        return [enfant.__parent__.__parent__.responsable["nom"], enfant.prenom]

    famille, prenom = with_root(shared.app, lambda root, registry: noms(root))
    assert fil[-4:] == ["Familles", famille, "Enfants", prenom]


@pytest.mark.parametrize("role", ["agent", "admin"])
def test_a_property_sheet_saves_in_french(request, shared, role):
    """SubstanceD's button ("Save") and message ("Updated properties"),
    with the Undo link (an administrator) and without (an agent)."""
    from portail_famille.familles.resources import IEnfant

    browser = request.getfixturevalue(role)
    chemin = _chemin(shared, IEnfant)
    page = browser.get("/manage%s/@@properties" % chemin)
    boutons = [b.get_text(strip=True) for b in page.html.select("form button[name=save]")]
    assert boutons == ["Enregistrer"]
    form = next(f for f in page.forms.values() if "classe" in f.fields)
    form["classe"] = "CM2 " + role
    saved = form.submit("save", status=302).follow()
    attendu = "Modifications enregistrées."
    if role == "admin":
        attendu += " Revenir à la version précédente"  # SubstanceD's "Undo"
    assert messages_de(saved) == [attendu]
    assert not fautes(saved.text)
    classe = with_root(shared.app, lambda root, registry: find_resource(root, chemin).classe)
    assert classe == "CM2 " + role


def test_substanced_plural_messages_have_no_marker(shared):
    """SubstanceD's French catalog says "one: 1 Elément supprimé"."""
    request = Request.blank("/")
    request.registry = shared.app.registry
    pluralize = request.localizer.pluralize
    for singulier, pluriel, attendus in (
        ("Deleted ${num} item", "Deleted ${num} items", ("élément supprimé", "supprimés")),
        ("Renamed ${num} item", "Renamed ${num} items", ("élément renommé", "renommés")),
        ("Copied ${num} item", "Copied ${num} items", ("élément copié", "copiés")),
        ("Moved ${num} item", "Moved ${num} items", ("élément déplacé", "déplacés")),
    ):
        un = pluralize(singulier, pluriel, 1, domain="substanced", mapping={"num": 1})
        deux = pluralize(singulier, pluriel, 2, domain="substanced", mapping={"num": 2})
        assert un == "1 " + attendus[0]
        assert deux.startswith("2 ") and deux.endswith(attendus[1])


def test_substanced_plain_english_flashes_are_translated(shared, agent):
    """SubstanceD flashes "Could not undo, sorry" as a plain text: an Undo
    link whose transaction is not the user's."""
    chemin = "/manage/@@undo_recent?undohash=nothing&csrf_token=%s" % acces.jeton_de(agent)
    page = agent.get(chemin, expect_errors=True)
    while page.status_int == 302:
        page = page.follow()
    messages = messages_de(page)
    assert "Impossible d'annuler cette opération." in messages, (page.status, messages)


def test_the_contents_grid_stream_is_an_empty_one(shared, agent, regisseur, editeur, admin):
    """The EventSource SubstanceD's contents grid opens: no 403, no data."""
    for browser, dossier in (
        (agent, "familles"),
        (regisseur, "regies"),
        (editeur, "actualites"),
        (admin, "familles"),
    ):
        response = browser.get("/manage/%s/@@auditstream-sse" % dossier, status=200)
        assert response.content_type == "text/event-stream"
        assert response.text == "retry: 86400000\n\n"


def test_the_grids_name_families_and_children(shared, agent):
    """The contents grid's name column: the family's name, the child's
    first name (their ``__name__`` is a number, a random id)."""
    from portail_famille.familles.resources import IEnfant

    chemin = _chemin(shared, IEnfant)

    def noms(root):
        enfant = find_resource(root, chemin)
        famille = enfant.__parent__.__parent__
        return famille.__name__, famille.responsable["nom"], enfant.__name__, enfant.prenom

    numero, nom, cle, prenom = with_root(shared.app, lambda root, registry: noms(root))
    lien = "\\u003e%s\\u003c/a\\u003e"  # the link's text, in the grid's JSON
    familles = agent.get("/manage/familles/@@contents").text
    assert lien % nom in familles and lien % numero not in familles
    enfants = agent.get("/manage%s/@@contents" % chemin.rsplit("/", 1)[0]).text
    assert lien % prenom in enfants and lien % cle not in enfants
    # the folders by their French names, not their internal ones
    racine = agent.get("/manage/@@contents").text
    assert lien % "Familles" in racine and lien % "familles" not in racine
    famille = agent.get("/manage/familles/%s/@@contents" % numero).text
    for dossier in ("Enfants", "Demandes", "Factures", "Règlements", "Messages"):
        assert lien % json.dumps(dossier)[1:-1] in famille, dossier


def test_the_contents_grid_script_speaks_french(shared, agent):
    """SubstanceD's folder.js: its messages when the session expired or the
    server does not answer (the page's script is the portal's copy)."""
    page = agent.get("/manage/familles/@@contents")
    src = next(s["src"] for s in page.html.select("script[src]") if s["src"].endswith("/folder.js"))
    script = agent.get(src).text
    assert "Votre session a expiré." in script
    assert "Le serveur ne répond pas" in script
    for anglais in ("It looks like", "Error reaching", "> reload the page", "Please select"):
        assert anglais not in script


def test_the_contents_grid_writes_dates_in_french(agent):
    """SubstanceD's slickgrid-config.js: the "Modifié" column's dates read
    "7 décembre" (the page's script is the portal's copy)."""
    page = agent.get("/manage/familles/@@contents")
    src = next(
        s["src"]
        for s in page.html.select("script[src]")
        if s["src"].endswith("/slickgrid-config.js")
    )
    script = agent.get(src).text
    assert "'janvier', 'février'" in script and "day + ' ' + monthText" in script
    assert "January" not in script and "This is a required field" not in script


def test_the_upload_tab_is_french(admin):
    """SubstanceD's Upload tab (multiupload.pt and its script), where an
    administrator may upload files (the root)."""
    page = admin.get("/manage/@@upload")
    assert not fautes(page.text), fautes(page.text)
    assert "Ajouter des fichiers" in page.text
    src = next(
        s["src"] for s in page.html.select("script[src]") if s["src"].endswith("/multiupload.js")
    )
    script = admin.get(src).text
    for francais in ("fichiers envoyés", "Envoi refusé pour ", "'Envoyer'", "'fr-FR'"):
        assert francais in script
    for anglais in ("files uploaded", "Upload failed", "'Upload'", "'Abort'"):
        assert anglais not in script
