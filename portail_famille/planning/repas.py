"""The kitchen's order: how many meals per day, site (Structure) and diet,
read from a tally the planning keeps as its cells change.

A meal is served by a prestation billed by the meal or by the whole day
(``UNITES_REPAS``: the canteen, an ALSH day); a child counts once per day
and site, whatever the number of such prestations he is booked on there.
Only what the planning holds counts (a booked day, a request being
processed, an absence not yet accepted): an excused or billed absence
frees the plate.  The diet is the child's health file's (``Aucun`` when
missing or unknown); the PAI children are counted beside it ("dont PAI":
they eat the same diet, with their own protocol).

The tally (``SERVIS``, on each Structure): day -> LLBTree {child's oid:
his meal cells there that day}, changed by every ``cells.set_cell``
(``cellule_modifiee``).  It holds who eats, not how many: two parents
booking the same day add two keys to one bucket, which BTrees merge
without a conflict, where a counter would make one of them retry.  The
diets are read from a second index (``REGIMES_INDEX``, on the Structures
folder): {child's oid: (diet, PAI)} of the children with a diet or a PAI
only, kept by the child's ``ObjectModified`` (what accepting a request
"Données sanitaires" sends).  So an order reads one LLBTree per day and
site and that small index, never a child: its cost no longer grows with
the enrolled children (bench/repas.py).  ``reconstruire`` makes both from
the cells (evolve step30; to run again after a prestation's unit changed).
"""

import datetime

from BTrees.LLBTree import LLBTree
from BTrees.LOBTree import LOBTree
from pyramid.events import subscriber
from pyramid.traversal import find_root
from substanced.event import subscribe_added, subscribe_modified, subscribe_will_be_removed
from substanced.util import get_oid

from ..familles.resources import IEnfant, IFamille
from ..familles.schemas import REGIMES_ALIMENTAIRES
from ..inscriptions import cle, inscrits, prestation_de
from ..structures.resources import IStructure
from ..util import arbre
from . import cells

UNITES_REPAS = ("repas", "journee")
# The states of a day the kitchen cooks for.
REPAS = frozenset(cells.OCCUPANTS - {cells.ABSENT_FACTURE})
REGIMES = tuple(value for value, _label in REGIMES_ALIMENTAIRES)
SANS_REGIME = "Aucun"
PAI = "pai"
TOTAL = "total"
JOURS_MAX = 31  # one request reads a month at most


def regime(enfant):
    """(the child's diet, whether he has a PAI)."""
    sanitaires = enfant.sanitaires or {}
    value = sanitaires.get("regime_alimentaire")
    return (value if value in REGIMES else SANS_REGIME), sanitaires.get("pai") == "Oui"


def enfants_inscrits(prestation, annee, objectmap, enfants):
    """The children enrolled in ``prestation`` for the school year
    ``annee``, with their inscription; ``enfants`` caches {oid: Enfant}
    (a child is found once, whatever his number of prestations)."""
    oid = get_oid(prestation)
    for enfant_oid in inscrits(prestation, annee.libelle):
        enfant = enfants.get(enfant_oid)
        if enfant is None:
            enfant = enfants[enfant_oid] = objectmap.object_for(enfant_oid)
        if enfant is None or not IEnfant.providedBy(enfant):
            continue
        inscription = enfant.inscriptions.get(cle(annee.libelle, oid))
        if inscription is not None:
            yield enfant_oid, enfant, inscription


# --- the tally -------------------------------------------------------------

SERVIS = "repas_servis"  # Structure attribute: day -> LLBTree {enfant oid: meal cells}
REGIMES_INDEX = "repas_regimes"  # Structures attribute: LOBTree {enfant oid: (diet, PAI)}


MIN_DATE, MAX_DATE = datetime.date.min, datetime.date.max


def sert_un_repas(prestation):
    return prestation is not None and prestation.unite in UNITES_REPAS


def compter(structure, enfant_oid, day, delta):
    """Add ``delta`` (1 or -1) to the child's meal cells at ``structure``
    on ``day``: he is counted while he has at least one."""
    jours = arbre(structure, SERVIS, create=True)
    servis = jours.get(day)
    if servis is None:
        servis = jours[day] = LLBTree()
    nombre = servis.get(enfant_oid, 0) + delta
    if nombre > 0:
        servis[enfant_oid] = nombre
    else:
        servis.pop(enfant_oid, None)


@subscriber(cells.CelluleModifiee)
def cellule_modifiee(event):
    """Every change of a planning cell (``cells.set_cell``)."""
    avant, apres = event.avant in REPAS, event.apres in REPAS
    if avant == apres:
        return
    prestation = event.prestation
    if prestation is None:
        prestation = prestation_de(event.enfant, event.prestation_oid)
    if sert_un_repas(prestation):
        compter(prestation.structure, get_oid(event.enfant), event.day, 1 if apres else -1)


def _regimes(context, create=False):
    structures = find_root(context).get("structures")
    if structures is None:
        return None
    found = getattr(structures, REGIMES_INDEX, None)
    if found is None and create:
        found = LOBTree()
        setattr(structures, REGIMES_INDEX, found)
    return found


def noter_regime(enfant):
    """Keep the child's diet and PAI in the index (only when he has one)."""
    oid = get_oid(enfant, None)
    if oid is None:
        return
    valeur = regime(enfant)
    index = _regimes(enfant, create=valeur != (SANS_REGIME, False))
    if index is None:
        return
    if valeur == (SANS_REGIME, False):
        index.pop(oid, None)
    elif index.get(oid) != valeur:
        index[oid] = valeur


@subscribe_added(IEnfant)
@subscribe_modified(IEnfant)
def enfant_modifie(event):
    noter_regime(event.object)


@subscribe_will_be_removed(IEnfant)
def enfant_retire(event):
    index = _regimes(event.object)
    if index is not None and event.moving is None:
        index.pop(get_oid(event.object), None)


def _compte(servis, regimes):
    compte = dict.fromkeys((*REGIMES, PAI), 0)
    total = len(servis)
    # The smaller side is walked, the other asked (a BTree lookup).
    if len(regimes) < total:
        paires = (v for oid, v in regimes.items() if oid in servis)
    else:
        paires = (regimes[oid] for oid in servis.keys() if oid in regimes)
    speciaux = 0
    for diet, pai in paires:
        compte[diet] += 1
        compte[PAI] += pai
        speciaux += diet != SANS_REGIME
    compte[SANS_REGIME] = total - speciaux
    compte[TOTAL] = total
    return compte


def commande(structures, debut, fin):
    """{(day, Structure): {diet: n, PAI: n, TOTAL: n}} for the days of
    [debut, fin] where at least one meal is expected."""
    regimes = getattr(structures, REGIMES_INDEX, None) or LOBTree()
    found = {}
    for structure in structures.values():
        if not IStructure.providedBy(structure):
            continue
        jours = arbre(structure, SERVIS)
        for day, servis in jours.items(min=debut, max=fin) if jours is not None else ():
            if len(servis):
                found[(day, structure)] = _compte(servis, regimes)
    return found


def reconstruire(root):
    """Both indexes made again from every child's cells of the meal
    prestations and health file."""
    structures = root.get("structures")
    if structures is None:
        return
    setattr(structures, REGIMES_INDEX, LOBTree())
    servent = []  # (oid, structure) of the meal prestations
    for structure in structures.values():
        if IStructure.providedBy(structure):
            setattr(structure, SERVIS, None)
            servent += [
                (get_oid(p), structure) for p in structure.prestations() if sert_un_repas(p)
            ]
    familles = root.get("familles")
    for famille in familles.values() if familles is not None else ():
        if not IFamille.providedBy(famille):
            continue
        for enfant in (famille.get("enfants") or {}).values():
            noter_regime(enfant)
            tree = cells.cellules(enfant)
            for oid, structure in servent if tree is not None else ():
                for (_o, day), etat in tree.items(min=(oid, MIN_DATE), max=(oid, MAX_DATE)):
                    if etat in REPAS:
                        compter(structure, get_oid(enfant), day, 1)
