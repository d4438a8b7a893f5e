"""A new root gets the register's index of waiting requests at once
(``registre``): the first reservations of a morning then never race to
create it."""

from substanced.event import subscribe_root_added

from . import registre


@subscribe_root_added()
def root_added(event):
    registre.arbre(event.object, create=True)
