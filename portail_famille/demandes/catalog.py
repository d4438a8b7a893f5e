"""The ``portail`` catalog: what the staff queue and the family's list query."""

from substanced.catalog import Field, catalog_factory, indexview, indexview_defaults
from substanced.interfaces import MODE_IMMEDIATE

from ..messagerie.resources import IConversation
from .resources import IDemande

CATALOG = "portail"


# Indexed at once (not at commit): a request and the lists that show it
# change in the same transaction (accept, then the queue page).
@catalog_factory(CATALOG)
class PortailIndexes:
    demande_etat = Field(action_mode=MODE_IMMEDIATE)
    demande_type = Field(action_mode=MODE_IMMEDIATE)
    demande_onglet = Field(action_mode=MODE_IMMEDIATE)
    demande_date = Field(action_mode=MODE_IMMEDIATE)
    famille = Field(action_mode=MODE_IMMEDIATE)
    # "<prestation oid>:<AAAA-MM-JJ>" of a reservation: the waiting list of
    # a day is a query.
    cellule = Field(action_mode=MODE_IMMEDIATE)
    # Conversations (``messagerie``): the agents' inbox filters and sorts on
    # these; a family's list is one ``message_boite`` value,
    # "<N° famille>:<envoyes|recus|supprimes>" (a small set: no intersection
    # with a town-wide one), sorted on ``message_date``.
    message_lu_service = Field(action_mode=MODE_IMMEDIATE)
    message_traitee = Field(action_mode=MODE_IMMEDIATE)
    message_structure = Field(action_mode=MODE_IMMEDIATE)
    message_date = Field(action_mode=MODE_IMMEDIATE)
    message_boite = Field(action_mode=MODE_IMMEDIATE)


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


@indexview_defaults(catalog_name=CATALOG)
class ConversationIndexViews:
    def __init__(self, resource):
        self.resource = resource

    @indexview(context=IConversation)
    def famille(self, default):
        return self.resource.numero_famille

    @indexview(context=IConversation)
    def message_lu_service(self, default):
        return bool(self.resource.lu_service)

    @indexview(context=IConversation)
    def message_traitee(self, default):
        return bool(self.resource.traitee)

    @indexview(context=IConversation)
    def message_structure(self, default):
        return self.resource.structure or 0

    @indexview(context=IConversation)
    def message_date(self, default):
        return self.resource.derniere

    @indexview(context=IConversation)
    def message_boite(self, default):
        return "%s:%s" % (self.resource.numero_famille, self.resource.boite)
