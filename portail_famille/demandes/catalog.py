"""The requests' indexes of the ``portail`` catalog (``catalogue``): what the
staff queue, a day's waiting list and the family's list query."""

from substanced.catalog import Field, indexview, indexview_defaults
from substanced.interfaces import MODE_IMMEDIATE

from ..catalogue import CATALOG
from .resources import IDemande

# Indexed at once (not at commit): a request and the lists that show it
# change in the same transaction (accept, then the queue page).  Declared
# by the domain's includeme.
INDEXES = {
    "demande_etat": Field(action_mode=MODE_IMMEDIATE),
    "demande_type": Field(action_mode=MODE_IMMEDIATE),
    "demande_onglet": Field(action_mode=MODE_IMMEDIATE),
    "demande_date": Field(action_mode=MODE_IMMEDIATE),
    "famille": Field(action_mode=MODE_IMMEDIATE),
    # "<prestation oid>:<AAAA-MM-JJ>" of a reservation: the waiting list of
    # a day is a query.
    "cellule": Field(action_mode=MODE_IMMEDIATE),
}


@indexview_defaults(catalog_name=CATALOG)
class DemandeIndexViews:
    def __init__(self, resource):
        self.resource = resource

    @indexview(context=IDemande)
    def demande_etat(self, default):
        return self.resource.etat

    @indexview(context=IDemande)
    def demande_type(self, default):
        return self.resource.type_demande

    @indexview(context=IDemande)
    def demande_onglet(self, default):
        return self.resource.type.onglet

    @indexview(context=IDemande)
    def demande_date(self, default):
        return self.resource.date_demande

    @indexview(context=IDemande)
    def famille(self, default):
        return self.resource.numero_famille

    @indexview(context=IDemande)
    def cellule(self, default):
        return self.resource.cellule or default
