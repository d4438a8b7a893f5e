"""The data model holds no religion or ethnicity (CNIL's standard for school
canteens): no schema, vocabulary, template, message or demo record carries
a label such as "halal", "casher", "religion", "ethnie" or "confession";
diets are what the kitchen serves ("Sans porc" is fine)."""

import importlib
import inspect
import pkgutil
import re
import unicodedata
from pathlib import Path

import colander
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping

import portail_famille
from portail_famille import demo
from portail_famille.familles import schemas

from ..conftest import with_root

INTERDITS = re.compile(
    r"\b(halal|hallal|casher|cacher|kasher|kascher|cachere|kosher|cacherout|"
    r"religion\w*|religieu\w*|confession\w*|culte\w*|ethnie\w*|ethnique\w*|ethnicite\w*|"
    r"race|raciale?s?|musulman\w*|juif\w*|juive\w*|chretien\w*|catholique\w*|islam\w*)\b"
)
RACINE = Path(portail_famille.__file__).parent
# Constants that are word lists, not labels of the model.
HORS_MODELE = {
    # Common words a password must not be made of (password strength).
    "portail_famille.comptes.passwords.FREQUENCY_LISTS",
}


def interdits(text):
    """The forbidden words in ``text`` (accents and case ignored)."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return INTERDITS.findall(plain)


def test_the_scanner_catches_what_it_must_and_spares_diets():
    assert interdits("Repas HALAL") == ["halal"]
    assert interdits("Menu casher") == ["casher"]
    assert interdits("Religion de l'enfant") == ["religion"]
    assert interdits("Ethnicité") == ["ethnicite"]
    assert interdits("Confession") == ["confession"]
    assert interdits("Sans porc") == interdits("Végétarien") == interdits("Sans viande") == []


def _textes_schema(node):
    yield node.name
    yield node.title
    yield getattr(node, "description", "")
    try:
        widget = getattr(node, "widget", None)
    except TypeError:  # a widget built from the bound context (SubstanceD's references)
        widget = None
    values = getattr(widget, "values", None)
    if isinstance(values, (list, tuple)):
        for item in values:
            yield from (item if isinstance(item, (list, tuple)) else (item,))
    for child in node.children:
        yield from _textes_schema(child)


def _modules():
    for info in pkgutil.walk_packages(portail_famille.__path__, "portail_famille."):
        if ".tests" in info.name:
            continue
        yield importlib.import_module(info.name)


def test_no_schema_or_vocabulary_has_such_a_label():
    found = {}
    schemas_vus = 0
    for module in _modules():
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, colander.SchemaNode):
                try:
                    node = value()
                except Exception:  # noqa: BLE001, S112 - a schema that needs arguments
                    continue
                schemas_vus += 1
                texts = list(_textes_schema(node))
            elif isinstance(value, (tuple, list, dict)) and name.isupper():
                if "%s.%s" % (module.__name__, name) in HORS_MODELE:
                    continue
                texts = [repr(value)]
            else:
                continue
            bad = [word for text in texts for word in interdits(text)]
            if bad:
                found["%s.%s" % (module.__name__, name)] = bad
    assert found == {}
    assert schemas_vus > 20
    # The diets offered: what the kitchen serves.
    assert [value for value, _label in schemas.REGIMES_ALIMENTAIRES] == [
        "Aucun",
        "Sans porc",
        "Sans viande",
        "Végétarien",
    ]


def test_no_template_or_message_catalog_has_such_a_label():
    found = {}
    for path in RACINE.rglob("*"):
        if path.suffix in (".pt", ".po", ".pot", ".txt", ".html", ".json", ".csv"):
            bad = interdits(path.read_text(encoding="utf-8", errors="replace"))
            if bad:
                found[str(path.relative_to(RACINE))] = bad
    assert found == {}


def _textes(value, seen):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (dict, PersistentMapping)):
        for key, item in value.items():
            yield str(key)
            yield from _textes(item, seen)
    elif isinstance(value, (list, tuple, set, frozenset, PersistentList)):
        for item in value:
            yield from _textes(item, seen)
    elif isinstance(value, OOBTree):
        for item in value.values():
            yield from _textes(item, seen)
    elif type(value).__module__.startswith("BTrees."):  # other trees and sets
        for item in value.values() if hasattr(value, "values") else value:
            yield from _textes(item, seen)
    elif isinstance(value, Persistent) and id(value) not in seen:
        seen.add(id(value))
        yield from _objet(value, seen)


def _objet(obj, seen):
    obj._p_activate()
    for key, item in vars(obj).items():
        if key.startswith(("_p_", "__")) or key in ("data", "_num_objects", "blob"):
            continue
        yield key
        yield from _textes(item, seen)
    if hasattr(obj, "values") and callable(obj.values) and hasattr(obj, "__sdi_addable__"):
        for child in obj.values():
            if id(child) not in seen:
                seen.add(id(child))
                yield from _objet(child, seen)


def test_the_demo_data_holds_no_such_label(shared):
    assert interdits(repr(vars(demo))) == []

    def walk(root, registry):
        seen = set()
        found = {}
        for name in ("familles", "structures", "calendrier", "regies", "documents", "actualites"):
            texts = list(_objet(root[name], seen))
            assert texts, name
            bad = [word for text in texts for word in interdits(text)]
            if bad:
                found[name] = bad
        return found, len(seen)

    found, objets = with_root(shared.app, walk)
    assert found == {}
    assert objets > 50
