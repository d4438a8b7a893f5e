"""Planning cells: one OOBTree per Enfant, keyed ``(prestation_oid, date)``
-> a state code of the manual's legend, so that one month of one child is
one range read per prestation row (DESIGN.md).

The tree is created lazily (``cellules`` is None on a child that has none):
reading a planning never writes to the database.

Every change of a cell goes through ``set_cell``, which tells the registry
(``CelluleModifiee``, with the cause its caller gives): the money domain
listens, so that a day already billed is regularised whatever changed it
(``facturation.regularisation``), a cause added later included.
"""

import calendar
import datetime

from pyramid.threadlocal import get_current_registry
from substanced.util import find_objectmap

from ..util import arbre

RESERVE = "reserve"  # Réservé
PRESENT = "present"  # présent sans réservation
PRESENT_RESERVE = "present_reserve"  # présent sur une journée réservée
ABSENT_FACTURE = "absent_facture"
ABSENT_EXCUSE = "absent_excuse"
CONGE = "conge"
HORS_CONTRAT = "hors_contrat"  # Heure hors contrat Régulier
ERREUR = "erreur"
# A parent's request from the grid, until an agent processes it.
RESERVATION_TRAITEMENT = "reservation_traitement"
ABSENCE_TRAITEMENT = "absence_traitement"
ATTENTE = "attente"  # Demande en attente: on the waiting list (day full)
RESERVATION_REFUSEE = "reservation_refusee"
# Fermeture: a booking (or request) the service's closure of the day
# cancelled (``fermeture``): no place held, never billed.
FERMETURE = "fermeture"
ETATS = (
    RESERVE,
    PRESENT,
    PRESENT_RESERVE,
    ABSENT_FACTURE,
    ABSENT_EXCUSE,
    CONGE,
    HORS_CONTRAT,
    ERREUR,
    RESERVATION_TRAITEMENT,
    ABSENCE_TRAITEMENT,
    ATTENTE,
    RESERVATION_REFUSEE,
    FERMETURE,
)
# The states that hold one of the day's places (``places``).
OCCUPANTS = frozenset(
    (
        RESERVE,
        PRESENT,
        PRESENT_RESERVE,
        ABSENT_FACTURE,
        HORS_CONTRAT,
        RESERVATION_TRAITEMENT,
        ABSENCE_TRAITEMENT,
    )
)
# The states of a booked day (an absence may be declared on it).
RESERVES = frozenset((RESERVE,))

ATTRIBUT = "planning_cellules"
MODIFICATIONS = "planning_modifications"

# Why a cell changes (``set_cell``'s ``cause``), as the régie's
# regularisations name it.
ABSENCE_AUTOMATIQUE = "absence_automatique"  # accepted by the rules, within the deadline
ABSENCE_ACCEPTEE = "absence_acceptee"  # accepted by staff (after the deadline or not)
ABSENCE_DECLAREE = "absence_declaree"  # declared, for staff to process
ABSENCE_REFUSEE = "absence_refusee"  # refused by staff: the day back as it was
RESERVATION = "reservation"  # asked, accepted, refused, given a freed place
INSCRIPTION = "inscription"  # the contract's days booked
FIN_INSCRIPTION = "fin_inscription"  # an enrolment ended: its days to come given back
FERMETURE_SERVICE = "fermeture"  # a closure of the service cancelled the day
POINTAGE = "pointage"  # staff recorded (or corrected) the attendance
PLANNING = "planning"  # any other change
CAUSES = (
    ABSENCE_AUTOMATIQUE,
    ABSENCE_ACCEPTEE,
    ABSENCE_DECLAREE,
    ABSENCE_REFUSEE,
    RESERVATION,
    INSCRIPTION,
    FIN_INSCRIPTION,
    FERMETURE_SERVICE,
    POINTAGE,
    PLANNING,
)


class CelluleModifiee:
    """A cell changed from ``avant`` to ``apres`` (None: no cell) because
    of ``cause`` (one of CAUSES; ``detail``: a closure's reason...);
    ``prestation``: the Prestation when the caller has it (else found from
    ``prestation_oid``)."""

    def __init__(self, enfant, prestation_oid, day, avant, apres, cause, detail, prestation):
        self.enfant = enfant
        self.prestation_oid = prestation_oid
        self.day = day
        self.avant = avant
        self.apres = apres
        self.cause = cause
        self.detail = detail
        self.prestation = prestation


def cellules(enfant):
    """The child's tree of cells, or None when it has none yet."""
    return arbre(enfant, ATTRIBUT)


def cellules_modifiables(enfant):
    """The child's tree of cells, created if missing."""
    return arbre(enfant, ATTRIBUT, create=True)


def set_cell(enfant, prestation_oid, day, etat, cause=PLANNING, detail="", prestation=None):
    """Store ``etat`` for the cell; None removes it.  A change is told to
    the registry's subscribers (``CelluleModifiee``) with its ``cause``."""
    if etat is not None and etat not in ETATS:
        raise ValueError("unknown planning state %r" % (etat,))
    if cause not in CAUSES:
        raise ValueError("unknown cause %r" % (cause,))
    tree = cellules_modifiables(enfant)
    key = (prestation_oid, day)
    avant = tree.get(key)
    if etat is None:
        tree.pop(key, None)
    else:
        tree[key] = etat
    if avant != etat:
        get_current_registry().notify(
            CelluleModifiee(enfant, prestation_oid, day, avant, etat, cause, detail, prestation)
        )


def etat(enfant, prestation_oid, day):
    tree = cellules(enfant)
    return tree.get((prestation_oid, day)) if tree is not None else None


def modification(enfant, prestation_oid, day):
    """The parent's request that changed this cell (the Demande itself, or
    its oid when it was noted before the register of ``demandes``), or
    None: one change per activity and date from the grid."""
    tree = arbre(enfant, MODIFICATIONS)
    return tree.get((prestation_oid, day)) if tree is not None else None


def demande_du_jour(enfant, prestation_oid, day):
    """The Demande that changed this cell, or None (none, or gone)."""
    found = modification(enfant, prestation_oid, day)
    if isinstance(found, int):
        objectmap = find_objectmap(enfant)
        return objectmap.object_for(found) if objectmap is not None else None
    return found


def noter_modification(enfant, prestation_oid, day, demande):
    """``demande`` changed this cell: kept by reference (a record of its
    family's register has no oid)."""
    arbre(enfant, MODIFICATIONS, create=True)[(prestation_oid, day)] = demande


def bornes(year, month):
    """The first and last days of the month."""
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)


def cells_of_month(enfant, year, month, prestation_oids=None):
    """{(prestation_oid, date): state} of the month: one range read per
    prestation (``prestation_oids``, default the child's inscriptions')."""
    tree = cellules(enfant)
    if tree is None:
        return {}
    if prestation_oids is None:
        prestation_oids = {i.prestation for i in enfant.inscriptions.values()}
    debut, fin = bornes(year, month)
    found = {}
    for oid in prestation_oids:
        found.update(tree.items(min=(oid, debut), max=(oid, fin)))
    return found


# A child's billed cells: (prestation oid, day) -> invoice number.  Written
# by the money domain when it bills them (``facturation.service``), read by
# what must not change a billed day silently (a closure, a departure).
FACTUREES = "cellules_facturees"


def facturees(enfant, prestation_oid, debut, fin):
    """{day: invoice number} of the child's billed cells in [debut, fin]."""
    tree = arbre(enfant, FACTUREES)
    if tree is None:
        return {}
    return {
        key[1]: numero
        for key, numero in tree.items(min=(prestation_oid, debut), max=(prestation_oid, fin))
    }
