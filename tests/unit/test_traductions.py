"""The portal's catalogs: each compiled .mo says what its .po says (the
.po is the source; the .mo is what Pyramid reads)."""

import pathlib

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import portail_famille

LOCALE = pathlib.Path(portail_famille.__file__).parent / "locale"
CATALOGUES = sorted(LOCALE.rglob("*.po"))


def _messages(catalog):
    def tel_quel(texte):
        return texte if isinstance(texte, str) else tuple(texte)

    return {tel_quel(m.id): tel_quel(m.string) for m in catalog if m.id}


def test_there_are_catalogs():
    assert [p.relative_to(LOCALE).as_posix() for p in CATALOGUES] == [
        "fr/LC_MESSAGES/deform.po",
        "fr/LC_MESSAGES/substanced.po",
    ]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.name)
def test_each_mo_is_compiled_from_its_po(po):
    """After editing a .po, compile it: ``pybabel compile -d
    portail_famille/locale -D substanced``."""
    with open(po, "rb") as source:
        attendu = _messages(read_po(source, locale="fr"))
    with open(po.with_suffix(".mo"), "rb") as compile:
        assert _messages(read_mo(compile)) == attendu
    # no plural marker of a translation tool, no empty translation
    for texte in attendu.values():
        for forme in texte if isinstance(texte, tuple) else (texte,):
            assert forme and not forme.startswith(("one:", "other:")), forme
