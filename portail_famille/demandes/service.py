"""Making requests; the queries behind the lists.  Accepting and refusing
are the lifecycle's (``cycle``), kept here under their names for the
screens.

Accepting applies the change to the record in the same transaction (both
commit or neither does); the family's mail is queued in that transaction
too, so a failed commit sends nothing.
"""

import datetime
import heapq
from operator import attrgetter, itemgetter

from pyramid.traversal import find_root
from substanced.util import find_catalog

from .. import dates
from ..util import objet
from . import cycle, registre
from .catalog import CATALOG
from .cycle import DemandeError, accepter, refuser  # noqa: F401 (the screens' entry points)
from .fiche import FicheModifiee  # noqa: F401
from .resources import EN_ATTENTE, REMPLACEE
from .types import TYPES


def en_attente(famille, type_demande, enfant=None):
    """The pending request of this kind for this family (and this child,
    ``enfant`` being its __name__), or None.  A new child's request is never
    "the" pending one: each asks for a different child."""
    if TYPES[type_demande].nouvel_enfant:
        return None
    catalog = find_catalog(famille, CATALOG)
    query = (
        catalog["famille"].eq(famille.__name__)
        & catalog["demande_type"].eq(type_demande)
        & catalog["demande_etat"].eq(EN_ATTENTE)
    )
    for demande in _resolve(famille, query.execute().ids):
        if demande.enfant == enfant:
            return demande
    return None


def section_de(famille, kind, enfant=None):
    """The values a request of ``kind`` changes, as they are now."""
    if kind.nouvel_enfant:
        return {}
    if kind.pour_enfant:
        if enfant is None:
            raise DemandeError("enfant")
        return getattr(famille["enfants"][enfant], kind.section)
    return getattr(famille, kind.section)


def deposer(famille, type_demande, valeurs, demandeur, registry, now=None, enfant=None):
    """Record a request; a pending one of the same kind (for the same
    child) is replaced (kept, marked "remplacée").  ``enfant``: the child's
    __name__ in famille["enfants"], for a request about a child's section.
    Returns (demande, replaced_or_None)."""
    kind = TYPES[type_demande]
    if not kind.pour_enfant:
        enfant = None
    section = section_de(famille, kind, enfant)
    fields = kind.titles()
    valeurs = {name: valeurs[name] for name in fields if name in valeurs}
    anciennes = {name: section.get(name) for name in valeurs}
    remplacee = en_attente(famille, type_demande, enfant)
    if remplacee is not None:
        cycle.passer(remplacee, REMPLACEE, demandeur, registry, now)
    demande = registry.content.create(
        "Demande",
        type_demande,
        valeurs,
        anciennes,
        now or dates.horodatage(),
        demandeur,
        enfant=enfant,
    )
    cycle.deposer(demande, famille, registry)
    return demande, remplacee


def nombre_en_attente(catalog, numeros):
    """{numero: how many requests wait for the service} of the families
    ``numeros``: one catalog query for them all, then a set intersection
    per family (no request is loaded)."""
    index = catalog["famille"]
    query = index.any(list(numeros)) & catalog["demande_etat"].eq(EN_ATTENTE)
    attente = query.execute().ids
    intersection = index.family.IF.intersection
    root = find_root(catalog)
    return {
        n: len(intersection(index.applyEq(n), attente)) + registre.nombre(root, n) for n in numeros
    }


def _resolve(root, oids):
    """The objects of ``oids``, lazily (a caller may stop early); the
    objectmap's path walked folder by folder (``util.objet``)."""
    return (objet(root, oid) for oid in oids)


# Hypatia sorts the newest ``n`` of a set with a heap over the whole set
# (``heapq.nlargest``: every pending request's date read, a Python call
# each) when ``n`` is under this; above it, with another algorithm whose
# order of equal dates differs.  Under it, and for a set this large or
# more, the date index is walked from its newest entry instead.
NBEST_MAX = 300
PARCOURS_MIN = 100


def plus_recentes(index, ids, n):
    """The ``n`` newest docids of ``ids`` by the date ``index`` (a field
    index of aware datetimes), newest first, equal dates by decreasing
    docid: what ``index.sort(ids, reverse=True, limit=n)`` answers.

    Pending requests are mostly recent: the index is walked from its
    newest date, each date's docids looked up in ``ids``, until ``n`` are
    found (``maxKey`` below the last date: one descent of the tree a step).
    The walk is abandoned for hypatia's sort after half as many dates as
    ``ids`` holds (old pending requests below many processed ones: a step
    costs about what the heap spends on two docids, so the detour costs at
    most the sort's own price again), or when the index ends first (docids
    without a date: hypatia's answer, its error included)."""
    if n >= NBEST_MAX or len(ids) < PARCOURS_MIN:
        return list(index.sort(ids, reverse=True, limit=n))
    fwd = index._fwd_index
    found = []
    budget = max(n, len(ids) // 2)
    try:
        key = fwd.maxKey()
    except ValueError:  # an empty index
        key = None
    un = datetime.timedelta(microseconds=1)
    # (a key that is not a datetime: straight to hypatia's sort)
    while isinstance(key, datetime.datetime) and budget > 0:
        for docid in sorted(fwd[key], reverse=True):
            if docid in ids:
                found.append(docid)
                if len(found) == n:
                    return found
        budget -= 1
        try:
            key = fwd.maxKey(key - un)
        except ValueError:  # no older date
            key = None
    return list(index.sort(ids, reverse=True, limit=n))


def file_attente(root, type_demande=None, famille=None, offset=0, limit=20):
    """Pending requests, newest first: (total, page of Demande).  Two
    sources: the catalog's (content) and the families' registers'
    (``registre``), merged by date."""
    catalog = find_catalog(root, CATALOG)
    query = catalog["demande_etat"].eq(EN_ATTENTE)
    if type_demande:
        query &= catalog["demande_type"].eq(type_demande)
    if famille:
        query &= catalog["famille"].eq(famille)
    ids = query.execute().ids
    consignees = registre.en_attente(root, type_demande, famille)
    total = len(ids) + len(consignees)
    if not total:
        return 0, []
    n = offset + limit
    dates_index = catalog["demande_date"]._rev_index
    page = [
        (dates_index.get(oid), 1, oid) for oid in plus_recentes(catalog["demande_date"], ids, n)
    ]
    page += [
        (date, 0, demande) for date, demande in heapq.nlargest(n, consignees, key=itemgetter(0))
    ]
    # Newest first; at the same date, content before a register's record.
    page = sorted(page, key=lambda entree: (entree[0], entree[1]), reverse=True)[offset:n]
    objets = [objet(root, x) if genre else x for _date, genre, x in page]
    return total, [d for d in objets if d is not None]


def recentes(root, famille, onglet, jours, type_demande=None, now=None):
    """A family's requests of the last ``jours`` days on one tab, newest
    first (replaced ones left out).  Only this family's entries of the
    catalog and of its register are read, newest first, until the period
    ends: the cost is the family's, not the town's."""
    since = (now or dates.horodatage()) - datetime.timedelta(days=jours)
    found = []
    for demande in de_la_famille(famille):
        if demande.date_demande < since:
            break
        if demande.etat == REMPLACEE or demande.type.onglet != onglet:
            continue
        if type_demande and demande.type_demande != type_demande:
            continue
        found.append(demande)
    return found


def de_la_famille(famille):
    """The family's requests, newest first, lazily (a caller stops when
    it has enough): its entries of the catalog and its register's records,
    merged by date; only the family's own are read."""
    catalog = find_catalog(famille, CATALOG)
    mine = catalog["famille"].eq(famille.__name__).execute()
    # The family's conversations share the ``famille`` index; they have no
    # ``demande_date``: left out of the sort, not an error.
    ordered = mine.sort(catalog["demande_date"], reverse=True, raise_unsortable=False)
    contenu = (d for d in _resolve(famille, ordered.ids) if d is not None)
    recentes = famille["demandes"].consignes_recentes()
    return heapq.merge(contenu, recentes, key=attrgetter("date_demande"), reverse=True)
