"""The ``portail`` catalog's index of unpaid invoices (``catalogue``):
``facture_impayee``, the due date of every invoice that still owes
something; a paid invoice is not in it.

An invoice is indexed when it is added (SubstanceD's subscriber), then
again whenever what it owes changes (``facturation.service.ResteModifie``,
notified by every allocation and by a payment's cancellation: the
includeme subscribes ``reindexer``).  Evolve step36 indexes the invoices
issued before it."""

from substanced.catalog import Field, indexview, indexview_defaults
from substanced.interfaces import MODE_IMMEDIATE
from substanced.util import find_catalog, get_oid

from ..catalogue import CATALOG
from ..facturation.resources import IFacture
from ..montants import ZERO

# Indexed at once: a payment and the list that no longer shows the invoice
# may be in one transaction (a test, a script).
INDEXES = {"facture_impayee": Field(action_mode=MODE_IMMEDIATE)}


@indexview_defaults(catalog_name=CATALOG)
class FactureIndexViews:
    def __init__(self, resource):
        self.resource = resource

    @indexview(context=IFacture)
    def facture_impayee(self, default):
        facture = self.resource
        if facture.echeance is None or facture.reste <= ZERO:
            return default
        return facture.echeance


def reindexer(event):
    """What ``event.facture`` owes changed: its index value again."""
    facture = event.facture
    if get_oid(facture, None) is None:
        return  # not added yet: indexed when it is
    catalog = find_catalog(facture, CATALOG)
    if catalog is not None and "facture_impayee" in catalog:
        catalog.reindex_resource(facture)
