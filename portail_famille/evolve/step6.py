"""Reservations and absences: every Prestation gets its own tree of day
counters (places), the ``portail`` catalog its ``cellule`` index, and
agents the planning permissions (the role table)."""

from substanced.util import find_service

from ..planning.places import ATTRIBUT
from ..site import ensure_site
from ..util import arbre


def evolve(root, registry):
    ensure_site(root, registry)
    catalog = find_service(root, "catalogs")["portail"]
    catalog.update_indexes(registry=registry, reindex=True)
    structures = root.get("structures")
    if structures is None:
        return
    for structure in structures.values():
        for prestation in getattr(structure, "prestations", list)():
            arbre(prestation, ATTRIBUT, create=True)
