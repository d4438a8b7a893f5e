"""The planning's requests kept in the families' registers (issue 22):
every family's ``demandes`` gets its register, the root the register's
index of waiting requests, every Prestation its waiting lists
(``planning.attente``), which take the reservations already waiting for
a place, in the order they were made (read once from the catalog).  The
requests made before stay content; new ones are kept in the registers.
Running it again changes nothing."""

from BTrees.OOBTree import OOBTree
from substanced.util import find_catalog, find_objectmap

from ..catalogue import CATALOG
from ..demandes import registre
from ..demandes.resources import LISTE_ATTENTE
from ..inscriptions import prestation_de
from ..planning import attente
from ..util import arbre
from .familles import chaque_famille


def evolve(root, registry):
    registre.creer(root)
    for famille in chaque_famille(root):
        demandes = famille.get("demandes") if hasattr(famille, "get") else None
        if demandes is not None and demandes.registre is None:
            demandes.registre = OOBTree()
    structures = root.get("structures")
    for structure in structures.values() if structures is not None else ():
        for prestation in getattr(structure, "prestations", list)():
            arbre(prestation, attente.ATTRIBUT, create=True)
    catalog = find_catalog(root, CATALOG)
    if catalog is None:
        return
    objectmap = find_objectmap(root)
    waiting = catalog["demande_etat"].eq(LISTE_ATTENTE).execute().sort(catalog["demande_date"])
    for oid in waiting.ids:
        demande = objectmap.object_for(oid)
        if demande is None or demande.jour is None:
            continue
        prestation = prestation_de(demande.famille, demande.prestation)
        if prestation is not None:
            attente.inscrire(prestation, demande)
