"""A day's waiting list: the reservations of a full day, first come first
served, kept by their prestation.

Each Prestation keeps an OOBTree ``attente`` (its own from the start,
evolve step49 for older ones): (day, date of the request, its name) ->
the Demande.  A day's list is one range of it, in the order of the
requests: no catalog query, and a reservation put on the list writes this
tree only (a request kept in its family's register has no catalog entry,
``demandes.resources``).  An entry leaves when its request leaves the
waiting list, whatever moved it (a freed place, a closure, the end of a
shared custody): ``demande_modifiee``, subscribed to the lifecycle's
transitions.
"""

import datetime

from ..demandes.resources import LISTE_ATTENTE
from ..inscriptions import prestation_de
from ..util import arbre

ATTRIBUT = "attente"


def _cle(demande):
    return (demande.jour, demande.date_demande, demande.__name__)


def inscrire(prestation, demande):
    """``demande`` (a reservation on the waiting list) joins its day's list."""
    arbre(prestation, ATTRIBUT, create=True)[_cle(demande)] = demande


def liste(prestation, day):
    """The day's waiting reservations, first come first."""
    tree = arbre(prestation, ATTRIBUT)
    if tree is None:
        return []
    bornes = {"min": (day,), "max": (day + datetime.timedelta(days=1),), "excludemax": True}
    return [d for d in tree.values(**bornes) if d.etat == LISTE_ATTENTE]


def demande_modifiee(event, *_objets):
    """A request changed state: out of its day's list once it has left the
    waiting list."""
    demande = event.object
    if demande.jour is None or demande.etat == LISTE_ATTENTE:
        return
    prestation = prestation_de(demande.famille, demande.prestation)
    tree = arbre(prestation, ATTRIBUT) if prestation is not None else None
    if tree is not None and _cle(demande) in tree:
        del tree[_cle(demande)]
