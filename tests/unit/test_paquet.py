"""The package installs what it runs on, and only that: every distribution
a module of portail_famille imports, and every one its .ini files name, is
in setup.py's ``install_requires``; no import of a runtime dependency is
swallowed.  (setup.py is read, not the installed metadata: a development
virtualenv's may be older than the file.)"""

import ast
import configparser
import functools
import importlib.metadata
import pathlib
import re
import sys

import portail_famille

RACINE = pathlib.Path(portail_famille.__file__).parent.parent
PAQUET = RACINE / "portail_famille"
# what catches an ImportError
ATTRAPE_TOUT = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def canonique(nom):
    return re.sub(r"[-_.]+", "-", nom).lower()


def install_requires():
    """The distributions of setup.py's ``requires`` list (canonical names)."""
    arbre = ast.parse((RACINE / "setup.py").read_text(encoding="utf-8"))
    for noeud in arbre.body:
        if isinstance(noeud, ast.Assign) and noeud.targets[0].id == "requires":
            return {
                canonique(re.split(r"[<>=!~\[; ]", r)[0]) for r in ast.literal_eval(noeud.value)
            }
    raise AssertionError("setup.py has no requires list")


@functools.cache
def modules():
    """``(path, tree)`` of every module of the package, parsed once."""
    return [
        (chemin, ast.parse(chemin.read_text(encoding="utf-8")))
        for chemin in sorted(PAQUET.rglob("*.py"))
    ]


def imports(arbre):
    """The absolute dotted names ``arbre`` imports, anywhere in it."""
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Import):
            yield from (alias.name for alias in noeud.names)
        elif isinstance(noeud, ast.ImportFrom) and not noeud.level:
            yield noeud.module


def distribution(nom, distributions):
    """The distribution that provides the module ``nom`` ("zope.interface":
    among the distributions of the namespace ``zope``, zope.interface)."""
    premier = nom.split(".")[0]
    candidates = distributions.get(premier, [])
    if len(candidates) > 1:
        prefixe = canonique(".".join(nom.split(".")[:2]))
        candidates = [d for d in candidates if canonique(d) == prefixe]
    assert len(candidates) == 1, "%s: no single installed distribution (%s)" % (nom, candidates)
    return canonique(candidates[0])


def test_every_import_of_the_package_is_an_install_requirement():
    distributions = importlib.metadata.packages_distributions()
    requises = install_requires()
    manquantes = {}
    for chemin, arbre in modules():
        for nom in imports(arbre):
            premier = nom.split(".")[0]
            if premier in sys.stdlib_module_names or premier == "portail_famille":
                continue
            dist = distribution(nom, distributions)
            if dist not in requises:
                manquantes.setdefault(dist, str(chemin.relative_to(RACINE)))
    assert manquantes == {}, "imported, not in setup.py's install_requires"


def test_what_the_ini_files_name_is_an_install_requirement():
    """``use = egg:waitress#main``, ``pyramid.includes = pyramid_tm``."""
    requises = install_requires()
    for ini in ("development.ini", "production.ini"):
        config = configparser.ConfigParser(interpolation=None)
        config.read(RACINE / ini)
        noms = set()
        for section in config.sections():
            use = config[section].get("use", "")
            if use.startswith("egg:"):
                noms.add(use[4:].split("#")[0])
            noms.update(config[section].get("pyramid.includes", "").split())
        noms.discard("portail_famille")
        assert noms and {canonique(n) for n in noms} <= requises, (ini, noms)


def _importe(noeuds):
    return any(isinstance(n, ast.Import | ast.ImportFrom) for b in noeuds for n in ast.walk(b))


def _attrape_les_imports(handler):
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(t is None or getattr(t, "id", None) in ATTRAPE_TOUT for t in types)


def test_no_import_error_is_swallowed():
    """An import in a ``try`` whose handler catches ImportError (or all
    errors) and does not raise: without the dependency the feature would
    fail silently (every image refused when Pillow was missing).  A
    runtime dependency is imported at the module's top: a missing one
    stops the start."""
    avalees = []
    for chemin, arbre in modules():
        for essai in ast.walk(arbre):
            if not isinstance(essai, ast.Try) or not _importe(essai.body):
                continue
            for handler in essai.handlers:
                leve = any(isinstance(n, ast.Raise) for b in handler.body for n in ast.walk(b))
                if _attrape_les_imports(handler) and not leve:
                    avalees.append("%s:%d" % (chemin.relative_to(RACINE), essai.lineno))
    assert avalees == []


def test_only_the_application_is_installed():
    """setup.py installs portail_famille's packages, nothing of tests/ or
    bench/: the ZEO/PostgreSQL/pserve launcher of the tests and the bench
    is tests/grappe/lanceur.py."""
    from setuptools import find_packages

    arbre = ast.parse((RACINE / "setup.py").read_text(encoding="utf-8"))
    appel = next(
        n
        for n in ast.walk(arbre)
        if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "find_packages"
    )
    options = {k.arg: ast.literal_eval(k.value) for k in appel.keywords}
    paquets = find_packages(str(RACINE), **options)
    assert "portail_famille" in paquets and "portail_famille.correctifs" in paquets
    assert [p for p in paquets if p.split(".")[0] != "portail_famille"] == []
    assert not (PAQUET / "grappe.py").exists()
    assert (RACINE / "tests" / "grappe" / "lanceur.py").exists()
