"""The store the CAF's statistics read (``statistiques``), kept in step
with what they count, so that a month of the town reads one small tree
per prestation instead of every enrolled child's cells.

``JOURNEES`` (on the Structures folder): OOBTree {(prestation oid, first
day of the month): LOBTree {child's oid: his days}}, where his days are a
sorted tuple of ``(day, state, billed, hours)``: the cell's state, whether
the régie's invoices bill the day (``cells.FACTUREES``), and the hours of
the times the pointage recorded (``heures_relevees``, None without them:
the prestation's duration is read when counting, so that a duration the
service changes applies at once).  Only the days the statistics count
(booked, attended or billed) or that hold a place (``GARDES``: the
dashboard's children expected, ``accueil.sante``) are kept.

Every writer of those three sources calls ``suivre`` for the day it
changed, which reads the day again from the child (his cells, billed cells
and times) and replaces his tuple whole: a cell change
(``CelluleModifiee``), the money domain's billed days
(``facturation.service``, ``facturation.regularisation``), the pointage's
times (``planning.sdi.pointage``), the retention's erasure of a child's
planning (``rgpd.retention``).  Two children changed at once are two
keys of one LOBTree, which BTrees merge without a conflict.

Beside it, ``FICHES`` (on the Structures folder too): LOBTree {child's
oid: Fiche (name, first name, birth date, family number)}, kept by the
child's ``ObjectAdded``/``ObjectModified`` (what every change of his
identity sends: the catalog's search follows the same events) and his
family's ``ObjectAdded``, so that
the statistics give the age band and the detail's columns without
loading 20,000 children.

``reconstruire`` makes both from the children's data (evolve step33).
"""

import collections

from BTrees.LOBTree import LOBTree
from pyramid.events import subscriber
from pyramid.traversal import find_root
from substanced.event import subscribe_added, subscribe_modified, subscribe_will_be_removed
from substanced.util import get_oid

from ..familles.resources import IEnfant, IFamille
from ..inscriptions import prestation_de
from ..util import arbre
from . import cells, horaires

# What the statistics count (``statistiques``): a booking (an absence being
# processed still holds it; an excused one gave the day back), attendance.
RESERVEES = frozenset(
    (
        cells.RESERVE,
        cells.PRESENT_RESERVE,
        cells.ABSENT_FACTURE,
        cells.HORS_CONTRAT,
        cells.ABSENCE_TRAITEMENT,
    )
)
REALISEES = frozenset((cells.PRESENT, cells.PRESENT_RESERVE))
# The days kept: those counted, and those holding a place (a reservation
# being processed: the dashboard's children expected, ``accueil.sante``).
GARDES = RESERVEES | REALISEES | cells.OCCUPANTS

JOURNEES = "statistiques_journees"
FICHES = "statistiques_fiches"


class Fiche(collections.namedtuple("Fiche", "oid nom prenom date_naissance numero")):
    """What the statistics show of a child (``FICHES``)."""

    __slots__ = ()


def fiche(enfant):
    famille = getattr(getattr(enfant, "__parent__", None), "__parent__", None)
    return Fiche(
        get_oid(enfant, None),
        enfant.nom,
        enfant.prenom,
        enfant.date_naissance,
        getattr(famille, "numero", None),
    )


def _fiches(structures, create=False):
    found = getattr(structures, FICHES, None)
    if found is None and create:
        found = LOBTree()
        setattr(structures, FICHES, found)
    return found


def noter_fiche(enfant):
    """Keep the child's Fiche in step (when it changed)."""
    valeur = fiche(enfant)
    structures = _structures(enfant) if valeur.oid is not None else None
    if structures is None:
        return
    fiches = _fiches(structures, create=True)
    if fiches.get(valeur.oid) != valeur:
        fiches[valeur.oid] = valeur


@subscribe_added(IEnfant)
@subscribe_modified(IEnfant)
def enfant_modifie(event):
    noter_fiche(event.object)


@subscribe_added(IFamille)
def famille_ajoutee(event):
    """A family added with its children (their own events may not come)."""
    for enfant in (event.object.get("enfants") or {}).values():
        noter_fiche(enfant)


@subscribe_will_be_removed(IEnfant)
def enfant_retire(event):
    structures = _structures(event.object)
    fiches = _fiches(structures) if structures is not None else None
    if fiches is not None and event.moving is None:
        fiches.pop(get_oid(event.object), None)


def fiches(structures):
    """{child's oid: Fiche} (empty if none)."""
    found = _fiches(structures)
    return found if found is not None else {}


def heures_relevees(enfant, prestation_oid, day, prestation=None):
    """The hours of the arrival and departure times the pointage recorded
    for a prestation billed by the hour (``horaires.duree``), or None."""
    found = horaires.releve(enfant, prestation_oid, day)
    if found is None or not found[0] or not found[1]:
        return None
    if prestation is None:
        prestation = prestation_de(enfant, prestation_oid)
    return horaires.duree(found[0], found[1]) if horaires.par_heure(prestation) else None


def _structures(context):
    try:
        return find_root(context).get("structures")
    except AttributeError:  # a child not in the tree yet
        return None


def _jour(enfant, prestation_oid, day, etat, facture, releve=True):
    """(day, state, billed, hours) of the day, or None when the store does
    not keep it (``releve``: whether times may be recorded that day)."""
    if not (facture or etat in GARDES):
        return None
    heures = heures_relevees(enfant, prestation_oid, day) if releve else None
    return (day, etat, facture, heures)


def suivre(enfant, prestation_oid, day):
    """The day of the child read again into the store (after any change of
    its cell, billing or times)."""
    oid = get_oid(enfant, None)
    structures = _structures(enfant) if oid is not None else None
    if structures is None:
        return
    factures = arbre(enfant, cells.FACTUREES)
    facture = factures is not None and (prestation_oid, day) in factures
    jour = _jour(enfant, prestation_oid, day, cells.etat(enfant, prestation_oid, day), facture)
    store = arbre(structures, JOURNEES, create=jour is not None)
    if store is None:
        return
    cle = (prestation_oid, day.replace(day=1))
    enfants = store.get(cle)
    if enfants is None:
        if jour is None:
            return
        enfants = store[cle] = LOBTree()
    jours = {j[0]: j for j in enfants.get(oid, ())}
    if jour is None:
        jours.pop(day, None)
    else:
        jours[day] = jour
    valeur = tuple(sorted(jours.values()))
    if not valeur:
        enfants.pop(oid, None)
    elif enfants.get(oid) != valeur:
        enfants[oid] = valeur


@subscriber(cells.CelluleModifiee)
def cellule_modifiee(event):
    suivre(event.enfant, event.prestation_oid, event.day)


def lire(structures, prestation_oid, mois):
    """{child's oid: his days} of the prestation's month (empty if none);
    a day's state may be one the statistics do not count (``GARDES``)."""
    store = arbre(structures, JOURNEES)
    found = store.get((prestation_oid, mois)) if store is not None else None
    return found if found is not None else {}


def _enfant(enfant, store, fiches):
    """The child's days into the store (each of his trees read once)."""
    oid = get_oid(enfant)
    fiches[oid] = fiche(enfant)
    etats = dict((cells.cellules(enfant) or {}).items())
    factures = set((arbre(enfant, cells.FACTUREES) or {}).keys())
    releves = set((arbre(enfant, horaires.ATTRIBUT) or {}).keys())
    par_mois = collections.defaultdict(list)
    for key in set(etats) | factures | releves:
        prestation_oid, day = key
        jour = _jour(enfant, prestation_oid, day, etats.get(key), key in factures, key in releves)
        if jour is not None:
            par_mois[(prestation_oid, day.replace(day=1))].append(jour)
    for cle, found in par_mois.items():
        enfants = store.get(cle)
        if enfants is None:
            enfants = store[cle] = LOBTree()
        enfants[oid] = tuple(sorted(found))


def reconstruire(root):
    """The store made again from every child's cells, billed cells and
    times; the Fiches from the children."""
    structures = root.get("structures")
    familles = root.get("familles")
    if structures is None or familles is None:
        return
    store = arbre(structures, JOURNEES, create=True)
    store.clear()
    fiches = LOBTree()
    setattr(structures, FICHES, fiches)
    jar = getattr(root, "_p_jar", None)
    for n, famille in enumerate(familles.values()):
        if not IFamille.providedBy(famille):
            continue
        if jar is not None and n % 500 == 499:
            jar.cacheGC()
        for enfant in (famille.get("enfants") or {}).values():
            _enfant(enfant, store, fiches)
