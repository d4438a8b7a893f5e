"""Every Prestation gets its index of enrolled children (``inscrits``),
filled from the children's inscriptions (run once: it reads every child)."""

from ..inscriptions import INSCRITS, indexer
from ..util import arbre


def evolve(root, registry):
    structures = root.get("structures")
    if structures is not None:
        for structure in structures.values():
            for prestation in getattr(structure, "prestations", list)():
                arbre(prestation, INSCRITS, create=True)
    familles = root.get("familles")
    if familles is None:
        return
    for famille in familles.values():
        enfants = famille.get("enfants")
        if enfants is None:
            continue
        for enfant in enfants.values():
            for inscription in enfant.inscriptions.values():
                indexer(enfant, inscription)
