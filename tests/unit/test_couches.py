"""The boundaries between the packages of portail_famille: no module
imports another package's private name (``from ..x import _y``): what a
domain offers others is public, the rest may change without them.  The
layers themselves (who may import whom) are `lint-imports`' contract
(.importlinter, in ``make lint``)."""

import ast
import pathlib

import portail_famille

PAQUET = pathlib.Path(portail_famille.__file__).parent


def _module(chemin, racine):
    """'facturation.sdi.compte' for portail_famille/facturation/sdi/compte.py."""
    parties = chemin.relative_to(racine).with_suffix("").parts
    if parties[-1] == "__init__":
        parties = parties[:-1]
    return ".".join(parties)


def _cible(module, est_paquet, noeud):
    """The module a ``from … import`` names, relative to portail_famille, or
    None when it is outside the package."""
    if noeud.level == 0:
        nom = noeud.module or ""
        if nom != "portail_famille" and not nom.startswith("portail_famille."):
            return None
        return nom.removeprefix("portail_famille").lstrip(".")
    base = module.split(".") if module else []
    if not est_paquet:
        base = base[:-1]
    base = base[: len(base) - (noeud.level - 1)] if noeud.level > 1 else base
    return ".".join(base + ([noeud.module] if noeud.module else []))


def _paquet(module):
    return module.split(".")[0] if module else ""


def imports_prives(racine=PAQUET):
    """(importing module, imported module, name) of every private name a
    module imports from another package of portail_famille."""
    trouves = set()
    for chemin in sorted(racine.rglob("*.py")):
        module = _module(chemin, racine)
        arbre = ast.parse(chemin.read_text(encoding="utf-8"))
        for noeud in ast.walk(arbre):
            if not isinstance(noeud, ast.ImportFrom):
                continue
            cible = _cible(module, chemin.name == "__init__.py", noeud)
            if cible is None:
                continue
            for alias in noeud.names:
                nom = alias.name
                complet = cible + "." + nom if cible else nom
                if not _paquet(complet) or _paquet(complet) == _paquet(module):
                    continue
                # ``_``: the translation strings' function (i18n), public
                prive = nom.startswith("_") and nom != "_" and not nom.startswith("__")
                if prive or any(p.startswith("_") for p in cible.split(".")[1:]):
                    trouves.add((module, cible, nom))
    return trouves


def test_no_package_imports_another_ones_private_names():
    assert imports_prives() == set()


def test_the_scan_sees_a_private_import_across_packages(tmp_path):
    """The scan reads relative imports of modules and of packages."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "__init__.py").write_text("from ..b.c import _secret, public\n")
    (tmp_path / "a" / "d.py").write_text("from .e import _own\nfrom ..b import _, _x\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "c.py").write_text("from . import _same_package\n")
    assert imports_prives(tmp_path) == {("a", "b.c", "_secret"), ("a.d", "b", "_x")}


def test_every_module_of_the_package_imports():
    """A module moved by one branch and imported by its old name in another
    is no broken layer to lint-imports (it skips what it cannot find): it
    fails here, not at the first request."""
    import importlib
    import pkgutil

    for info in pkgutil.walk_packages(portail_famille.__path__, "portail_famille."):
        importlib.import_module(info.name)
