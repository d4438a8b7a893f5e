"""One idiom for forms: each button is its own view, chosen by Pyramid's
predicates (``request_method="POST"``, ``request_param=<button>``), and the
GET view only shows; no view branches on ``request.method`` (README,
Layout).  Only the request guards (sdi/subscribers.py, sdi/garde.py) look
at the method, before any view."""

import ast
import pathlib

import portail_famille

PAQUET = pathlib.Path(portail_famille.__file__).parent
GARDES = {"sdi/subscribers.py", "sdi/garde.py"}


def _est_methode(noeud):
    """``request.method`` or ``<anything>.request.method``."""
    if not isinstance(noeud, ast.Attribute) or noeud.attr != "method":
        return False
    objet = noeud.value
    return (isinstance(objet, ast.Name) and objet.id == "request") or (
        isinstance(objet, ast.Attribute) and objet.attr == "request"
    )


def branches_sur_la_methode(racine=PAQUET):
    """{module path: [line, ...]} of every comparison of ``request.method``."""
    trouves = {}
    for chemin in sorted(racine.rglob("*.py")):
        nom = chemin.relative_to(racine).as_posix()
        arbre = ast.parse(chemin.read_text(encoding="utf-8"))
        for noeud in ast.walk(arbre):
            if isinstance(noeud, ast.Compare) and any(
                _est_methode(n) for n in [noeud.left, *noeud.comparators]
            ):
                trouves.setdefault(nom, []).append(noeud.lineno)
    for lignes in trouves.values():
        lignes.sort()
    return trouves


def test_no_view_branches_on_the_request_method():
    trouves = branches_sur_la_methode()
    assert set(trouves) - GARDES == set(), trouves


def test_the_scan_sees_each_way_of_branching(tmp_path):
    (tmp_path / "a.py").write_text(
        "def v(request):\n    if request.method == 'POST':\n        pass\n    log(request.method)\n"
    )
    (tmp_path / "b.py").write_text(
        "class V:\n"
        "    def __call__(self):\n"
        "        post = self.request.POST if self.request.method == 'POST' else {}\n"
        "        return 'GET' != self.request.method\n"
    )
    (tmp_path / "c.py").write_text("def v(request):\n    return request.method\n")
    assert branches_sur_la_methode(tmp_path) == {"a.py": [2], "b.py": [3, 4]}
