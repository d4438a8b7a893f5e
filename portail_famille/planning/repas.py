"""The kitchen's order: how many meals per day, site (Structure) and diet,
read from the planning cells of the days to come.

A meal is served by a prestation billed by the meal or by the whole day
(``UNITES_REPAS``: the canteen, an ALSH day); a child counts once per day
and site, whatever the number of such prestations he is booked on there.
Only what the planning holds counts (a booked day, a request being
processed, an absence not yet accepted): an excused or billed absence
frees the plate.  The diet is the child's health file's (``Aucun`` when
missing or unknown); the PAI children are counted beside it ("dont PAI":
they eat the same diet, with their own protocol).

The cost grows with the enrolled children of the meal prestations (their
index, ``inscriptions.inscrits``) and the days asked for (one range read
per child), never with the town's families.
"""

import collections

from substanced.util import find_objectmap, get_oid

from ..familles.resources import IEnfant
from ..familles.schemas import REGIMES_ALIMENTAIRES
from ..inscriptions import annees, cle, inscrits
from ..structures.resources import IStructure
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


def _enfants_inscrits(prestation, annee, objectmap, enfants):
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


def _jours_servis(enfant, inscription, prestation_oid, debut, fin):
    """The days of [debut, fin] the child is expected at a meal."""
    tree = cells.cellules(enfant)
    if tree is None:
        return
    for (_oid, day), etat in tree.items(min=(prestation_oid, debut), max=(prestation_oid, fin)):
        if etat not in REPAS:
            continue
        if inscription.debut is not None and day < inscription.debut:
            continue
        if enfant.partie_le is not None and day > enfant.partie_le:
            continue
        yield day


def commande(structures, debut, fin):
    """{(day, Structure): {diet: n, PAI: n, TOTAL: n}} for the days of
    [debut, fin] where at least one meal is expected."""
    objectmap = find_objectmap(structures)
    servis = collections.defaultdict(set)  # (day, structure) -> enfant oids
    enfants = {}
    for structure in structures.values():
        if not IStructure.providedBy(structure):
            continue
        for prestation in structure.prestations():
            if prestation.unite not in UNITES_REPAS:
                continue
            prestation_oid = get_oid(prestation)
            for annee in annees(prestation):
                du, au = max(debut, annee.debut), min(fin, annee.fin)
                if du > au:
                    continue
                for oid, enfant, inscription in _enfants_inscrits(
                    prestation, annee, objectmap, enfants
                ):
                    for day in _jours_servis(enfant, inscription, prestation_oid, du, au):
                        servis[(day, structure)].add(oid)
    found = {}
    for key, oids in servis.items():
        compte = dict.fromkeys((*REGIMES, PAI), 0)
        for oid in oids:
            diet, pai = regime(enfants[oid])
            compte[diet] += 1
            compte[PAI] += pai
        compte[TOTAL] = len(oids)
        found[key] = compte
    return found
