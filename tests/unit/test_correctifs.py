"""Upstream fixes (portail_famille.correctifs): each written against
upstream code that has not changed since, all in place after
``installer()``, none outside the package.

What each fix does is tested where it shows: tests/unit/test_compilation.py
(the compilation lock, ``ast.parse``, ``Scope.copy``), test_mesures.py
(statsd's timers), test_champs_nettoyage.py (the grid's JSON),
tests/functional/test_sdi_noms.py (names, the grid's cells, flash
messages), test_annuler.py and tests/grappe/test_relstorage.py (the Undo
tab), below and tests/grappe/test_zeo.py (ZEO's oids)."""

import ast
import hashlib
import importlib
import importlib.metadata
import pathlib
import re
import sys
import time

import pytest

from portail_famille import correctifs
from portail_famille.correctifs import chameleon, zeo
from portail_famille.correctifs.amont import ORIGINAUX, empreinte, original, resoudre

PAQUET = pathlib.Path(correctifs.__file__).parent.parent


@pytest.mark.parametrize("amont", correctifs.AMONT + correctifs.AILLEURS, ids=lambda a: a.cible)
def test_upstream_code_is_the_one_each_fix_was_written_against(amont):
    """Fails after an upgrade that changed the code a fix replaces or leans
    on: check the fix (its docstring says why it is there), then update the
    fingerprint and the version in ``AMONT`` or ``AILLEURS``."""
    installe = importlib.metadata.version(amont.projet)
    assert empreinte(original(amont.cible)) == amont.empreinte, (
        "%s changed upstream (%s %s checked, %s installed): check the fix that "
        "relies on it" % (amont.cible, amont.projet, amont.version, installe)
    )


@pytest.mark.parametrize("gabarit", sorted(correctifs.GABARITS))
def test_upstream_templates_are_the_ones_the_copies_were_made_from(gabarit):
    """Fails after an upgrade that changed a template the portal replaces
    with its copy: report upstream's change in the copy, then update the
    fingerprint in ``GABARITS``."""
    projet, version, attendue = correctifs.GABARITS[gabarit]
    # upstream's own file, beside its package (not through the package's
    # loader: once an application is configured in this process, the
    # loader answers with the portal's copy, config.override_asset)
    paquet, _, relatif = gabarit.partition(":")
    chemin = pathlib.Path(importlib.import_module(paquet).__file__).parent / relatif
    with open(chemin, "rb") as fichier:
        assert hashlib.sha256(fichier.read()).hexdigest()[:16] == attendue, (
            "%s changed upstream (%s %s checked, %s installed)"
            % (gabarit, projet, version, importlib.metadata.version(projet))
        )


def test_this_python_still_has_the_ast_race():
    """CPython gh-106905 is fixed in 3.11.8 (python/cpython#113035): on a
    Python that has the fix, the compilation lock may go (check it with
    test_compilation.py's threads without ``installer()``)."""
    assert sys.version_info[:3] < chameleon.PYTHON_CORRIGE, (
        "Python %s has CPython's fix of gh-106905: is correctifs.chameleon's lock "
        "still needed?" % ".".join(map(str, sys.version_info[:3]))
    )


def test_installer_puts_every_fix_in_place_once():
    correctifs.installer()
    en_place = {cible: resoudre(cible) for cible in ORIGINAUX}
    assert len(en_place) == 25
    for cible, objet in en_place.items():
        assert objet is not ORIGINAUX[cible], cible
        assert objet.__module__.startswith("portail_famille.correctifs."), cible
    correctifs.installer()
    assert {cible: resoudre(cible) for cible in ORIGINAUX} == en_place
    # each fix says why, what it did to us, and where upstream's code is
    for correctif in correctifs.CORRECTIFS:
        for partie in ("Upstream wrong:", "Effect on us:", "Upstream:"):
            assert partie in correctif.__doc__, (correctif.__name__, partie)


# what may be a patch: an assignment to a dotted name, or a setattr
PEUT_ETRE = re.compile(r"^\s*[A-Za-z_]\w*(\.\w+)+\s*[-+*/|&]?=[^=]|\bsetattr\(", re.M)


def _patches(source):
    """``(line, text)`` of each assignment to an attribute of an imported
    module or of a name imported from another package, and each
    ``setattr`` on one."""
    if not PEUT_ETRE.search(source):
        return []
    arbre = ast.parse(source)
    importes = set()
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Import):
            importes |= {(a.asname or a.name).split(".")[0] for a in noeud.names}
        elif isinstance(noeud, ast.ImportFrom) and not noeud.level:
            if not noeud.module.startswith("portail_famille"):
                importes |= {a.asname or a.name for a in noeud.names}
    trouves = []
    for noeud in ast.walk(arbre):
        cibles = []
        if isinstance(noeud, ast.Assign | ast.AugAssign | ast.AnnAssign):
            cibles = noeud.targets if isinstance(noeud, ast.Assign) else [noeud.target]
        elif isinstance(noeud, ast.Call) and getattr(noeud.func, "id", None) == "setattr":
            cibles = noeud.args[:1]
        for cible in cibles:
            base = cible.value if isinstance(cible, ast.Attribute) else cible
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in importes:
                if isinstance(cible, ast.Attribute) or isinstance(noeud, ast.Call):
                    trouves.append((noeud.lineno, ast.unparse(noeud)[:80]))
    return trouves


def test_no_monkey_patch_outside_correctifs():
    """Every change to a library's own module or class is a fix of
    ``portail_famille.correctifs`` (where it says why and is checked)."""
    ailleurs = {}
    for chemin in sorted(PAQUET.rglob("*.py")):
        if "correctifs" in chemin.parts:
            continue
        found = _patches(chemin.read_text(encoding="utf-8"))
        if found:
            ailleurs[str(chemin.relative_to(PAQUET))] = found
    assert ailleurs == {}


def test_the_detector_sees_the_patches_of_before():
    """The static search above finds the forms the patches took."""
    assert _patches("from substanced.folder import Folder\nFolder.validate_name = f\n")
    assert _patches("import substanced.stats\nsubstanced.stats.donothing = rien\n")
    assert _patches("import ast\nast.parse = p\n")
    assert _patches("from substanced.sdi import sdiapi\nsetattr(sdiapi, 'flash', f)\n")
    assert not _patches("from .noms import x\nx.y = 1\nuser.locale = 'fr'\n")


def test_a_zeo_client_asks_for_new_oids_after_its_server_restarted(tmp_path):
    """The server restarted has forgotten the oids it handed out in
    advance: a client that kept them would give another client's object's
    oid to its own next object."""
    import ZEO
    from ZEO.ClientStorage import ClientStorage

    correctifs.installer()
    assert ClientStorage.notify_connected is zeo.notify_connected
    chemin = str(tmp_path / "Data.fs")
    adresse, arreter = ZEO.server(path=chemin, threaded=False)
    premier = ClientStorage(adresse, wait_timeout=5)
    try:
        premier.new_oid()  # the server hands out a batch of oids in advance
        assert premier._oids
        generation = premier._connection_generation
        arreter()
        adresse, arreter = ZEO.server(path=chemin, port=adresse[1], threaded=False)
        # the client reconnects by itself (ZEO's backoff: about a second);
        # a disconnection and a connection each start a generation
        fin = time.monotonic() + 10
        while premier._connection_generation < generation + 2 and time.monotonic() < fin:
            time.sleep(0.02)
        assert premier._connection_generation == generation + 2
        assert premier._oids == []
        second = ClientStorage(adresse, wait_timeout=5)
        try:
            # the restarted server hands out again what it handed out before
            siens = {second.new_oid() for _i in range(5)}
            assert not siens & {premier.new_oid() for _i in range(5)}
        finally:
            second.close()
    finally:
        premier.close()
        arreter()
