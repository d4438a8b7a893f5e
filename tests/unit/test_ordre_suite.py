"""The order the suite runs in (tests/conftest.py): the long files first,
each group in pytest-randomly's order, and ``make test`` hands the files to
its two workers in that order, so that they finish together."""

import pathlib
import types

from .. import conftest

RACINE = pathlib.Path(__file__).resolve().parents[2]


def _item(nom, lent):
    marque = object() if lent else None
    return types.SimpleNamespace(nom=nom, get_closest_marker=lambda name: marque)


def test_the_long_files_come_first_in_the_shuffled_order():
    items = [_item("a", False), _item("b", True), _item("c", False), _item("d", True)]
    conftest.pytest_collection_modifyitems(items)
    assert [item.nom for item in items] == ["b", "d", "a", "c"]


def test_this_session_collected_the_long_files_first(request):
    lents = [item.get_closest_marker("lent") is not None for item in request.session.items]
    assert lents == sorted(lents, reverse=True)


def test_make_test_keeps_the_order_of_the_collection():
    (ligne,) = [
        ligne
        for ligne in (RACINE / "Makefile").read_text().splitlines()
        if ligne.startswith("\t$(BIN)/pytest -n 2")
    ]
    assert "--dist loadfile" in ligne and "--no-loadscope-reorder" in ligne
