"""A day's waiting list: the reservations of a full day, first come first
served, kept by their prestation.

Each Prestation keeps an OOBTree ``attente`` (its own from the start,
evolve step49 for older ones): day -> a ``tas.Tas`` of (family number,
request name) -> (date of the request, the Demande), sorted by date when
read.  No catalog query, and a reservation put on the list writes its
day's Tas only (a request kept in its family's register has no catalog
entry, ``demandes.resources``), which merges the morning's parents'
additions (a BTree keyed by date sent them all to its last bucket, whose
every split conflicts with all of them: 248 conflicts for 600
reservations, ``bench/conflits.py``).  An entry leaves when its request
leaves the waiting list, whatever moved it (a freed place, a closure,
the end of a shared custody): ``demande_modifiee``, subscribed to the
lifecycle's transitions.
"""

from ..demandes.resources import LISTE_ATTENTE
from ..inscriptions import prestation_de
from ..tas import Tas
from ..util import arbre
from . import cells

ATTRIBUT = "attente"


def _cle(demande):
    return (demande.numero_famille, demande.__name__)


def inscrire(prestation, demande):
    """``demande`` (a reservation on the waiting list) joins its day's list
    (once: nothing when it is there already)."""
    tree = arbre(prestation, ATTRIBUT, create=True)
    jour = tree.get(demande.jour)
    if jour is None:
        jour = tree[demande.jour] = Tas()
    if _cle(demande) not in jour:
        jour.ajouter(_cle(demande), (demande.date_demande, demande))


def liste(prestation, day):
    """The day's waiting reservations, first come first."""
    tree = arbre(prestation, ATTRIBUT)
    jour = tree.get(day) if tree is not None else None
    if jour is None:
        return []
    entrees = sorted(jour.items(), key=lambda item: (item[1][0], item[0]))
    return [demande for _cle, (_date, demande) in entrees if demande.etat == LISTE_ATTENTE]


def retirer(prestation, demande):
    """``demande`` leaves its day's list (nothing when it is not there)."""
    tree = arbre(prestation, ATTRIBUT)
    jour = tree.get(demande.jour) if tree is not None else None
    if jour is not None:
        jour.retirer(_cle(demande))


def oublier(enfant):
    """The child leaves the tree (or its family does): its reservations
    waiting for a place leave their days' lists."""
    tree = cells.cellules(enfant)
    for (oid, day), etat in tree.items() if tree is not None else ():
        if etat != cells.ATTENTE:
            continue
        demande = cells.demande_du_jour(enfant, oid, day)
        prestation = prestation_de(enfant, oid)
        if demande is not None and prestation is not None:
            retirer(prestation, demande)


def demande_modifiee(event, *_objets):
    """A request changed state: out of its day's list once it has left the
    waiting list."""
    demande = event.object
    if demande.jour is None or demande.etat == LISTE_ATTENTE:
        return
    prestation = prestation_de(demande.famille, demande.prestation)
    if prestation is not None:
        retirer(prestation, demande)
