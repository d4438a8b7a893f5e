"""A child (or a family) removed from the tree gives back the places of its
days to come and leaves the prestations' indexes of enrolled children."""

from pyramid.threadlocal import get_current_request
from substanced.event import subscribe_will_be_removed

from ..familles.resources import IEnfant, IFamille
from .service import oublier_enfant


@subscribe_will_be_removed(IEnfant)
def enfant_retire(event):
    if event.moving is None:
        oublier_enfant(event.object, get_current_request())


@subscribe_will_be_removed(IFamille)
def famille_retiree(event):
    if event.moving is not None:
        return
    enfants = event.object.get("enfants")
    for enfant in enfants.values() if enfants is not None else ():
        oublier_enfant(enfant, get_current_request())
