"""The conversations' indexes of the ``portail`` catalog (``catalogue``): the
agents' inbox filters and sorts on them; a family's list is one
``message_listes`` value, "<N° famille>:<envoyes|recus|supprimes>" (a small
set: no intersection with a town-wide one), sorted on ``message_date``; a
thread both sides wrote in is in "recus" and "envoyes" (``message_boite``:
the one list its "back" link goes to)."""

from substanced.catalog import Field, Keyword, indexview, indexview_defaults
from substanced.interfaces import MODE_IMMEDIATE

from ..catalogue import CATALOG
from .resources import IConversation

# Indexed at once: a message and the lists that show it change in the same
# transaction.  Declared by the domain's includeme.
INDEXES = {
    "famille": Field(action_mode=MODE_IMMEDIATE),
    "message_lu_service": Field(action_mode=MODE_IMMEDIATE),
    "message_traitee": Field(action_mode=MODE_IMMEDIATE),
    "message_structure": Field(action_mode=MODE_IMMEDIATE),
    "message_date": Field(action_mode=MODE_IMMEDIATE),
    "message_boite": Field(action_mode=MODE_IMMEDIATE),
    "message_listes": Keyword(action_mode=MODE_IMMEDIATE),
}


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

    @indexview(context=IConversation)
    def message_listes(self, default):
        numero = self.resource.numero_famille
        return ["%s:%s" % (numero, liste) for liste in self.resource.listes]
