"""A new root gets the register's index of waiting requests at once
(``registre``): the first reservations of a morning then never race to
create it.  A family removed from the tree takes its waiting requests out
of the queue (content leaves the catalog on its own)."""

from substanced.event import subscribe_root_added, subscribe_will_be_removed

from ..familles.resources import IFamille
from . import registre


@subscribe_root_added()
def root_added(event):
    registre.creer(event.object)


@subscribe_will_be_removed(IFamille)
def famille_retiree(event):
    if event.moving is None:
        registre.oublier(event.object)
