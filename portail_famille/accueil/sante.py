"""The health alerts of the day, for the staff's dashboard: how many
children with an allergy or a PAI are expected today at each prestation.

The ``famille_sante`` index of the ``portail`` catalog holds, per family,
the oids of its children with such an alert (kept up to date as the
family's other indexes are: a child added, changed or removed reindexes
its family, ``familles.catalog.reindexer_famille``).  Its keys are every
such child of the town, a small part of it; the block reads them, never
the enrolled children of a prestation nor the families.  Names and
details are on the day's list, which audits who reads them; the
dashboard shows counts.

Who is expected is read from the store of the planning's days
(``planning.journees``, kept as cells change), not from these children's
cells: only the children with an alert expected today are loaded.  Even
so, a town of 20,000 children has about 1,300 of them: looking them up
in the store of each open prestation costs about 35 ms (1 s from a cold
cache; loading them all cost 65 ms, bench/statistiques.py), ten times
the rest of the dashboard.  So each process keeps the day's counts for
``portail.alertes_sante_secondes`` seconds (DUREE, 5 minutes; 0: never
kept), and the dashboard says so: the day's list is exact at any time."""

import time

from substanced.catalog import Keyword, indexview, indexview_defaults
from substanced.interfaces import MODE_IMMEDIATE
from substanced.util import find_catalog, get_oid

from ..catalogue import CATALOG
from ..familles.catalog import enfants_de
from ..familles.resources import IEnfant, IFamille
from ..planning import cells, journees
from ..util import objet

INDEXES = {"famille_sante": Keyword(action_mode=MODE_IMMEDIATE)}

DUREE = 300  # seconds the counts of the day are kept by a process
# The states of a day a child is expected in (an absence frees him).
ATTENDUS = frozenset(cells.OCCUPANTS - {cells.ABSENT_FACTURE})


def a_une_alerte(enfant):
    """An allergy written or a PAI: what the staff must know of the day."""
    sanitaires = enfant.sanitaires or {}
    allergies = sanitaires.get("allergies") or ""
    return bool(allergies.strip()) or sanitaires.get("pai") == "Oui"


@indexview_defaults(catalog_name=CATALOG)
class SanteIndexViews:
    def __init__(self, resource):
        self.resource = resource

    @indexview(context=IFamille)
    def famille_sante(self, default):
        oids = [get_oid(e, None) for e in enfants_de(self.resource) if a_une_alerte(e)]
        oids = tuple(oid for oid in oids if oid is not None)
        return oids or default


def enfants_avec_alerte(root):
    """The oids of the town's children with a health alert (the index's
    keys: no family read)."""
    catalog = find_catalog(root, CATALOG)
    return list(catalog["famille_sante"]._fwd_index.keys())


def attendus_avec_alerte(root, prestation_oids, day):
    """{prestation oid: how many children with a health alert are expected
    on ``day``} for the prestations ``prestation_oids``: who is expected is
    read from the planning's store (``planning.journees``: one tree per
    prestation and month), the children found there loaded only."""
    found = dict.fromkeys(prestation_oids, 0)
    if not found:
        return found
    alertes = set(enfants_avec_alerte(root))
    attendus = {}  # child's oid: the prestations he is expected at
    for prestation_oid in found:
        enfants = journees.lire(root["structures"], prestation_oid, day.replace(day=1))
        # The smaller side is walked, the other asked (a BTree lookup).
        if len(alertes) < len(enfants):
            paires = ((oid, enfants.get(oid)) for oid in alertes)
        else:
            paires = ((oid, jours) for oid, jours in enfants.items() if oid in alertes)
        for oid, jours in paires:
            if any(j[0] == day and j[1] in ATTENDUS for j in jours or ()):
                attendus.setdefault(oid, []).append(prestation_oid)
    for oid, prestations in attendus.items():
        enfant = objet(root, oid)
        if enfant is None or not IEnfant.providedBy(enfant) or not a_une_alerte(enfant):
            continue
        if enfant.partie_le is not None and day > enfant.partie_le:
            continue
        for prestation_oid in prestations:
            found[prestation_oid] += 1
    return found


def attendus_du_jour(request, prestation_oids, day):
    """``attendus_avec_alerte`` of the request's root, computed at most once
    per ``portail.alertes_sante_secondes`` by this application: (counts,
    when they were computed, as a ``time.time()``)."""
    registry = request.registry
    duree = int(registry.settings.get("portail.alertes_sante_secondes", DUREE))
    cache = registry.__dict__.setdefault("portail_alertes_sante", {})
    key = (day, tuple(sorted(prestation_oids)))
    found = cache.get(key)
    now = time.time()
    if found is None or now - found[1] >= duree:
        found = (attendus_avec_alerte(request.root, prestation_oids, day), now)
        cache.clear()  # one day, one set of prestations: the last asked
        cache[key] = found
    return dict(found[0]), found[1]
