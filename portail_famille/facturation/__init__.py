"""Money: régies and their sequences, tariffs, invoices, credit notes,
payments, the family's account (DESIGN.md, "Money")."""

from ..i18n import _
from ..util import IPermanence


def includeme(config):
    from .permanence import motif

    config.include(".figement")
    # what stays forever, asked by the SDI's contents tab (sdi.contenu)
    config.registry.registerUtility(motif, IPermanence)
    config.include(".compte")  # accepting a request of the CAF section
    config.add_menu_entry(30, "releve-de-compte", _("Relevé de compte"))
