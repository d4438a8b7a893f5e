"""Making, accepting and refusing requests; the queries behind the lists.

Accepting applies the change to the record in the same transaction (both
commit or neither does); the family's mail is queued in that transaction
too, so a failed commit sends nothing.
"""

import datetime

from substanced.event import ObjectModified
from substanced.util import find_catalog, find_objectmap

from .. import courriels, dates, journal
from ..familles.resources import IDENTITE_ENFANT
from .catalog import CATALOG
from .resources import ACCEPTEE, EN_ATTENTE, REFUSEE, REMPLACEE
from .types import TYPES


class DemandeError(Exception):
    """The request is not in a state that allows this."""


class FicheModifiee(DemandeError):
    """The record changed since the request was made; ``champs`` says where."""

    def __init__(self, champs):
        super().__init__(champs)
        self.champs = champs


def _modified(registry, obj):
    event = ObjectModified(obj)
    registry.subscribers((event, obj), None)


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
        remplacee.etat = REMPLACEE
        remplacee.date_traitement = now or dates.horodatage()
        _modified(registry, remplacee)
    demande = registry.content.create(
        "Demande",
        type_demande,
        valeurs,
        anciennes,
        now or dates.horodatage(),
        demandeur,
        enfant=enfant,
    )
    famille["demandes"].add_next(demande, registry=registry)
    return demande, remplacee


def accepter(demande, agent, request, force=False, now=None):
    """Apply the request to the record.  Raises FicheModifiee when the
    record changed since, unless ``force`` (the agent saw it)."""
    if demande.etat != EN_ATTENTE:
        raise DemandeError(demande.etat)
    if demande.type.planning:
        from ..planning import service as planning

        return planning.accepter(demande, agent, request, now)
    changed = demande.champs_modifies_depuis()
    if changed and not force:
        raise FicheModifiee(changed)
    famille = demande.famille
    kind = demande.type
    registry = request.registry
    if kind.nouvel_enfant:
        identite = {
            name: demande.valeurs[name] for name in IDENTITE_ENFANT if name in demande.valeurs
        }
        cible = registry.content.create("Enfant", **identite)
        famille["enfants"].add_next(cible, registry=registry)
        demande.enfant = cible.__name__  # the child it created
    elif kind.pour_enfant:
        cible = demande.objet_enfant()
        if cible is None:
            raise DemandeError("enfant")
        section = cible.section_modifiable(kind.section)
        for name, value in demande.valeurs.items():
            section[name] = value
    else:
        cible = famille
        if kind.section == "caf" and "quotient_familial" in demande.valeurs:
            from ..facturation.compte import noter_quotient

            jour = dates.local(now).date() if now else dates.today()
            noter_quotient(famille, jour, demande.valeurs["quotient_familial"])
        section = getattr(famille, kind.section)
        for name, value in demande.valeurs.items():
            section[name] = value
    _traiter(demande, ACCEPTEE, agent, now)
    _modified(registry, cible)
    _prevenir(request, demande, "demande_acceptee")


def refuser(demande, agent, motif, request, now=None):
    motif = (motif or "").strip()
    if not motif:
        raise ValueError("motif")
    if demande.etat != EN_ATTENTE:
        raise DemandeError(demande.etat)
    if demande.type.planning:
        from ..planning import service as planning

        return planning.refuser(demande, agent, motif, request, now)
    demande.motif_refus = motif
    _traiter(demande, REFUSEE, agent, now)
    _prevenir(request, demande, "demande_refusee")


def _traiter(demande, etat, agent, now):
    demande.etat = etat
    demande.date_traitement = now or dates.horodatage()
    demande.traite_par = agent
    journal.noter(
        demande,
        "Demande" + etat.capitalize(),
        demande,
        par=agent,
        famille=demande.numero_famille,
        details={
            "type": demande.type_demande,
            **({"enfant": demande.enfant} if demande.enfant is not None else {}),
        },
    )


def _prevenir(request, demande, template):
    responsable = demande.famille.responsable
    if responsable.get("autorisation_courriel") and responsable.get("email"):
        courriels.send(
            request,
            template,
            [responsable["email"]],
            demande=demande,
            titre=request.localizer.translate(demande.type.titre),
            date=dates.local(demande.date_demande).strftime("%d/%m/%Y"),
        )
    _modified(request.registry, demande)


def _resolve(root, oids):
    """The objects of ``oids``, lazily (a caller may stop early)."""
    objectmap = find_objectmap(root)
    return (objectmap.object_for(oid) for oid in oids)


def file_attente(root, type_demande=None, famille=None, offset=0, limit=20):
    """Pending requests, newest first: (total, page of Demande)."""
    catalog = find_catalog(root, CATALOG)
    query = catalog["demande_etat"].eq(EN_ATTENTE)
    if type_demande:
        query &= catalog["demande_type"].eq(type_demande)
    if famille:
        query &= catalog["famille"].eq(famille)
    result = query.execute()
    total = len(result)
    ordered = result.sort(catalog["demande_date"], reverse=True, limit=offset + limit)
    return total, list(_resolve(root, list(ordered.ids)[offset:]))


def recentes(root, famille, onglet, jours, type_demande=None, now=None):
    """A family's requests of the last ``jours`` days on one tab, newest
    first (replaced ones left out).  Only this family's entries of the
    catalog are read, newest first, until the period ends: the cost is the
    family's, not the town's."""
    catalog = find_catalog(root, CATALOG)
    since = (now or dates.horodatage()) - datetime.timedelta(days=jours)
    mine = catalog["famille"].eq(famille.__name__).execute()
    found = []
    # The family's conversations share the ``famille`` index; they have no
    # ``demande_date``: left out of the sort, not an error.
    ordered = mine.sort(catalog["demande_date"], reverse=True, raise_unsortable=False)
    for demande in _resolve(root, ordered.ids):
        if demande.date_demande < since:
            break
        if demande.etat == REMPLACEE or demande.type.onglet != onglet:
            continue
        if type_demande and demande.type_demande != type_demande:
            continue
        found.append(demande)
    return found
