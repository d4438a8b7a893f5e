"""Money: régies and their sequences, tariffs, invoices, credit notes,
payments, the family's account (DESIGN.md, "Money")."""

from ..i18n import _


def includeme(config):
    config.include(".figement")
    config.include(".compte")  # accepting a request of the CAF section
    config.add_menu_entry(30, "releve-de-compte", _("Relevé de compte"))
