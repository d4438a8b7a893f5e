"""The benchmarks (``make bench``) import what the package has: every
``from portail_famille... import name`` of bench/*.py, at the top of a
script or inside its functions, names something that exists (a name that
moved, e.g. close_databases from demo to util, broke four of them)."""

import ast
import importlib
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def imports_of(path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("portail_famille"):
            for alias in node.names:
                yield node.lineno, node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("portail_famille"):
                    yield node.lineno, alias.name, None


def test_every_name_the_benchmarks_import_exists():
    scripts = sorted(BENCH.glob("*.py"))
    assert len(scripts) > 20
    missing = []
    seen = 0
    for script in scripts:
        for lineno, module, name in imports_of(script):
            seen += 1
            found = importlib.import_module(module)
            if name is None or hasattr(found, name):
                continue
            try:
                importlib.import_module("%s.%s" % (module, name))
            except ModuleNotFoundError:
                missing.append("%s:%d: %s.%s" % (script.name, lineno, module, name))
    assert seen > 100
    assert missing == []
