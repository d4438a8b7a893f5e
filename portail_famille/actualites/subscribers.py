"""What keeps the news folder's published list right: a transition, an
item added (a copy starts as a draft), renamed, moved or deleted."""

from substanced.event import subscribe_added, subscribe_after_transition, subscribe_removed
from substanced.workflow import STATE_ATTR

from .publication import BROUILLON, TYPE, etat
from .resources import IActualite, IActualites


def rafraichir(folder):
    if IActualites.providedBy(folder):
        folder.rafraichir()


@subscribe_after_transition()
def transition(event):
    if IActualite.providedBy(event.object):
        rafraichir(event.object.__parent__)


@subscribe_added(IActualite)
def ajoutee(event):
    item = event.object
    if event.duplicating is not None and etat(item) != BROUILLON:
        # A copy of a published or archived item is a new draft.
        getattr(item, STATE_ATTR)[TYPE] = BROUILLON
        item.publiee_le = None
    rafraichir(event.parent)


@subscribe_removed(IActualite)
def supprimee(event):
    rafraichir(event.parent)
