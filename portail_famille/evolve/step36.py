"""The unpaid follow-up (``relances``): each régie's index of unpaid
invoices (``relances.index``), built from every invoice issued before it
(an invoice paid is left out).  Reads each invoice of the town once."""

from ..facturation.resources import Facture
from ..relances import index


def evolve(root, registry):
    familles = root.get("familles")
    if familles is None:
        return
    for famille in familles.values():
        factures = famille.get("factures") if hasattr(famille, "get") else None
        if factures is None:
            continue
        for document in factures.values():
            if isinstance(document, Facture):
                index.suivre(document)
