"""Numbered documents are permanent: DUPONT's family, its child LUCAS, the
régie and a prestation named by AL-12 / AL-36 can be neither deleted,
duplicated, moved, renamed nor pasted, by any role, through the SDI's
buttons, forged POSTs or a script; what may go is deleted after a
confirmation naming it; SubstanceD's other folder operations are for
administrators."""

import re

import pytest
import transaction
from pyramid.scripting import prepare
from pyramid.traversal import find_root, resource_path, resource_path_tuple

from portail_famille.demo import DUPONT
from portail_famille.evolve import STEPS, step15
from portail_famille.facturation.permanence import REFERENCE, reconstruction
from portail_famille.security import GROUPE_AGENTS, P, group_oid
from portail_famille.util import ContenuPermanent

from ..conftest import ADMIN, COMPTES, login, with_root
from .acces import jeton_de
from .conftest import client, french_error, no_traceback

NUMERO = DUPONT["numero"]
REGIE = ("regies", "regie-garderie-alsh")
PRESTATION = ("structures", "accueil-de-loisirs-alsh", "mercredi-journee")  # on AL-12
LIBRE = ("structures", "accueil-de-loisirs-alsh", "vacances-matin")  # never billed


def staff(app, role):
    browser = client(app)
    login(browser, role, ADMIN[1] if role == "admin" else COMPTES[role][0])
    return browser


def lucas(root):
    enfants = root["familles"][NUMERO]["enfants"]
    return next(e for e in enfants.values() if e.prenom == "LUCAS")


def cibles(root):
    """{what: (its folder's path, its name)} of the objects AL-12/AL-36 name."""

    def place(obj):
        return resource_path(obj.__parent__), obj.__name__

    return {
        "famille": place(root["familles"][NUMERO]),
        "enfant": place(lucas(root)),
        "regie": place(root[REGIE[0]][REGIE[1]]),
        "prestation": place(root[PRESTATION[0]][PRESTATION[1]][PRESTATION[2]]),
    }


def etat(app):
    """Every object of the families, régies and structures (by path, with
    its oid), the documents' numbers and the régie's sequence: what a
    refused operation leaves as it was."""

    def read(root, registry):
        from substanced.util import find_objectmap, get_oid

        paths = {}

        def walk(obj, depth):
            paths[resource_path(obj)] = get_oid(obj, None)
            values = getattr(obj, "values", None)
            if values is None or depth > 4:
                return
            for child in list(values()):
                walk(child, depth + 1)

        for name in ("familles", "regies", "structures"):
            walk(root[name], 0)
        objectmap = find_objectmap(root)
        return {
            "paths": paths,
            "objectmap": len(objectmap.objectid_to_path),
            "sequence": root[REGIE[0]][REGIE[1]].sequence.dernier,
        }

    return with_root(app.app, read)


@pytest.fixture(scope="module")
def lieux(shared):
    return with_root(shared.app, lambda root, registry: cibles(root))


def _poster(browser, folder, fields):
    fields = dict(fields, csrf_token=jeton_de(browser))
    return browser.post("/manage%s/@@contents" % folder.rstrip("/"), fields, expect_errors=True)


def actions(name):
    """Each SDI action on ``name``, as its button (or a forged form) posts it."""
    return {
        "supprimer (bouton)": {"form.delete": "delete", "item-modify": name},
        "supprimer (confirmation forgée)": {"form.supprimer": "supprimer", "item-modify": name},
        "dupliquer": {"form.duplicate": "duplicate", "item-modify": name},
        "renommer": {"form.rename": "rename", "item-modify": name},
        "renommer (forgé)": {
            "form.rename_finish": "rename_finish",
            "item-rename": name,
            name: name + "-bis",
        },
        "déplacer": {"form.move": "move", "item-modify": name},
        "copier pour coller": {"form.copy": "copy", "item-modify": name},
    }


@pytest.mark.parametrize("role", ["admin", "agent", "regisseur"])
@pytest.mark.parametrize("cible", ["famille", "enfant", "regie", "prestation"])
def test_no_sdi_action_touches_what_numbered_documents_name(shared, lieux, role, cible):
    browser = staff(shared, role)
    before = etat(shared)
    folder, name = lieux[cible]
    for action, fields in actions(name).items():
        response = _poster(browser, folder, fields)
        assert response.status_int == 403, (action, response.status_int)
        assert french_error(response.text), action
        assert no_traceback(response.text)
        # never "tocopy"/"tomove" in the session: no paste can follow
        page = browser.get("/manage%s/@@contents" % folder).text
        assert "form.copy_finish" not in page and "form.move_finish" not in page
    assert etat(shared) == before


def test_the_admins_grid_disables_every_button_on_them(shared, lieux):
    browser = staff(shared, "admin")
    for cible in ("famille", "enfant", "regie", "prestation"):
        folder, name = lieux[cible]
        page = browser.get("/manage%s/@@contents" % folder).text
        row = re.search(r'\{"id": "%s"[^{}]*\}' % re.escape(name), page).group(0)
        disabled = re.search(r'"disable": \[([^\]]*)\]', row).group(1)
        for button in ("rename", "copy", "move", "duplicate", "delete"):
            assert '"%s"' % button in disabled, (cible, disabled)
    # the prestation no invoice names keeps its buttons
    page = browser.get("/manage/structures/accueil-de-loisirs-alsh/@@contents").text
    row = re.search(r'\{"id": "vacances-matin"[^{}]*\}', page).group(0)
    assert row.endswith('"disable": []}')


def test_agents_get_no_delete_button_in_the_families(shared):
    page = staff(shared, "agent").get("/manage/familles/@@contents").text
    assert "form.delete" not in page and "form.duplicate" not in page
    assert "form.rename" not in page and "form.move" not in page


def _tenter(app, operation):
    """Run ``operation(root, registry)`` in a script that swallows the
    refusal and commits anyway; the refusal's message."""
    env = prepare(registry=app.app.registry)
    try:
        with pytest.raises(ContenuPermanent) as refus:
            operation(env["root"], env["registry"])
        transaction.commit()
    finally:
        env["closer"]()
    return refus.value.args[0]


def _objet(root, cible):
    if cible == "famille":
        return root["familles"][NUMERO]
    if cible == "enfant":
        return lucas(root)
    path = REGIE if cible == "regie" else PRESTATION
    found = root
    for name in path:
        found = found[name]
    return found


@pytest.mark.parametrize("cible", ["famille", "enfant", "regie", "prestation"])
def test_a_script_is_refused_too_and_nothing_stays(app, cible):
    """The folders' guard: delete, pop, move, rename, copy and replace are
    refused before anything changes (a copy's oids are taken back), even
    when the caller commits anyway; the whole structure and the root
    folder holding them neither."""
    before = etat(app)
    operations = {
        "del": lambda obj: obj.__parent__.remove(obj.__name__),
        "pop": lambda obj: obj.__parent__.pop(obj.__name__),
        "rename": lambda obj: obj.__parent__.rename(obj.__name__, "autre"),
        "move": lambda obj: obj.__parent__.move(obj.__name__, obj.__parent__.__parent__),
        "copy": lambda obj: obj.__parent__.copy(obj.__name__, obj.__parent__, "copie"),
        "replace": lambda obj: obj.__parent__.replace(obj.__name__, obj.__class__()),
        # the folder holding it, the root folder holding that one
        "parent": lambda obj: obj.__parent__.__parent__.remove(obj.__parent__.__name__),
        "racine": lambda obj: find_root(obj).remove(resource_path_tuple(obj)[1]),
    }
    for nom, operation in operations.items():
        message = _tenter(app, lambda root, registry, op=operation: op(_objet(root, cible)))
        assert message, nom
        assert etat(app) == before, nom


def test_lucas_kept_his_places_when_his_removal_was_refused(app):
    def places_de(root, registry):
        from portail_famille.inscriptions import inscrits
        from portail_famille.planning import cells

        enfant = lucas(root)
        tree = cells.cellules(enfant)
        return (
            dict(tree.items()) if tree is not None else {},
            [
                sorted(map(str, inscrits(p, a)))
                for s in root["structures"].values()
                for p in s.prestations()
                for a in {i.annee for i in enfant.inscriptions.values()}
            ],
        )

    before = with_root(app.app, places_de)
    _tenter(app, lambda root, registry: lucas(root).__parent__.remove(lucas(root).__name__))
    assert with_root(app.app, places_de) == before


# --- What may go: a confirmation naming it ------------------------------------------


def test_deleting_asks_a_confirmation_naming_what_goes(app):
    agent = staff(app, "agent")
    folder = "/structures/accueil-de-loisirs-alsh"
    page = _poster(agent, folder, {"form.delete": "delete", "item-modify": LIBRE[2]})
    assert page.status_int == 200
    text = re.sub(r"\s+", " ", page.text)
    assert "Supprimer définitivement ?" in text and "Vacances matin" in text
    assert 'name="form.supprimer"' in text

    def prestations(root, registry):
        return sorted(root[LIBRE[0]][LIBRE[1]])

    assert LIBRE[2] in with_root(app.app, prestations)  # nothing deleted yet
    done = _poster(agent, folder, {"form.supprimer": "supprimer", "item-modify": LIBRE[2]})
    assert done.status_int == 302
    assert LIBRE[2] not in with_root(app.app, prestations)


def test_a_folder_s_confirmation_counts_its_contents(app):
    def add(root, registry):
        from substanced.folder import Folder

        menus = Folder()
        menus.title = "Menus 2014"
        root["documents"].add("menus-2014", menus, registry=registry)
        for n in range(3):
            menus.add("m%d" % n, Folder(), registry=registry)

    with_root(app.app, add)
    editeur = staff(app, "editeur")
    page = _poster(editeur, "/documents", {"form.delete": "delete", "item-modify": "menus-2014"})
    text = re.sub(r"\s+", " ", page.text)
    assert "Menus 2014" in text and "et les 3 élément(s) qu'il contient" in text
    _poster(editeur, "/documents", {"form.supprimer": "1", "item-modify": "menus-2014"})
    assert "menus-2014" not in with_root(app.app, lambda root, registry: list(root["documents"]))


@pytest.mark.parametrize("role", ["agent", "editeur"])
def test_rename_copy_move_duplicate_are_for_administrators(app, role):
    def add(root, registry):
        from substanced.folder import Folder

        root["documents"].add("archives", Folder(), registry=registry)

    with_root(app.app, add)
    browser = staff(app, role)
    page = browser.get("/manage/documents/@@contents").text
    assert "form.delete" in page  # theirs, with a confirmation
    for button in ("form.rename", "form.copy", "form.move", "form.duplicate"):
        assert button not in page
    for action, fields in actions("archives").items():
        if action.startswith("supprimer"):
            continue
        response = _poster(browser, "/documents", fields)
        assert response.status_int == 403, action
        assert "réservé aux administrateurs" in french_error(response.text)
    assert "archives" in with_root(app.app, lambda root, registry: list(root["documents"]))
    admin = staff(app, "admin")
    assert _poster(admin, "/documents", actions("archives")["renommer"]).status_int == 200
    assert _poster(admin, "/documents", actions("archives")["dupliquer"]).status_int == 302
    assert "archives-1" in with_root(app.app, lambda root, registry: list(root["documents"]))


# --- The marks and evolve step15 ----------------------------------------------------


def test_each_new_document_marks_what_it_names(shared):
    def read(root, registry):
        return {
            "enfant": getattr(lucas(root), REFERENCE, None),
            "regie": getattr(root[REGIE[0]][REGIE[1]], REFERENCE, None),
            "prestation": getattr(_objet(root, "prestation"), REFERENCE, None),
            "libre": getattr(root[LIBRE[0]][LIBRE[1]][LIBRE[2]], REFERENCE, None),
        }

    assert with_root(shared.app, read) == {
        "enfant": "AL-12",
        "regie": "AL-12",
        "prestation": "AL-12",
        "libre": None,
    }


def test_step15_marks_the_documents_stored_before_and_writes_the_role_table(app):
    assert "step15" in STEPS

    def old(root, registry):
        from pyramid.security import Allow
        from substanced.util import get_acl, set_acl

        for obj in (lucas(root), root[REGIE[0]][REGIE[1]], _objet(root, "prestation")):
            delattr(obj, REFERENCE)
        agents = group_oid(root, GROUPE_AGENTS)
        acl = [
            (a, p, tuple(perms) + ((P.SDI_MANAGE_CONTENTS,) if p == agents else ()))
            for a, p, perms in get_acl(root["familles"])
        ]
        set_acl(root["familles"], acl)
        set_acl(root["principals"], [(Allow, "system.Everyone", ())])

    with_root(app.app, old)
    with_root(app.app, step15.evolve)

    def check(root, registry):
        from substanced.util import get_acl

        agents = group_oid(root, GROUPE_AGENTS)
        return (
            getattr(lucas(root), REFERENCE, None),
            getattr(_objet(root, "prestation"), REFERENCE, None),
            [
                P.SDI_MANAGE_CONTENTS in perms
                for _a, p, perms in get_acl(root["familles"])
                if p == agents
            ],
            get_acl(root["principals"])[-1][0],
        )

    assert with_root(app.app, check) == ("AL-12", "AL-12", [False], "Deny")


def test_the_guard_is_lifted_for_a_rebuilt_folder_only(app):
    """An evolve step that rebuilds a folder (the same objects back at the
    same paths) runs under ``reconstruction()``."""

    def rebuild(root, registry):
        from substanced.folder import Folder

        with reconstruction():
            regie = root["regies"].remove(REGIE[1], registry=registry)
            root["regies"].add(REGIE[1], regie, registry=registry)
        with pytest.raises(ContenuPermanent):
            root["regies"].remove(REGIE[1], registry=registry)
        return isinstance(root["regies"], Folder)

    assert with_root(app.app, rebuild)
