"""Money: régies and their sequences, tariffs, invoices, credit notes,
payments, the family's account (DESIGN.md, "Money")."""

from ..i18n import _
from ..util import IPermanence


def includeme(config):
    from . import travail
    from .permanence import motif

    config.include(".figement")
    # what stays forever, asked by the SDI's contents tab (sdi.contenu)
    config.registry.registerUtility(motif, IPermanence)
    config.include(".compte")  # accepting a request of the CAF section
    # the invoicing run and the batch of PDFs, by the workers (travaux)
    config.add_genre_travail(travail.GENRE_TRAVAIL)
    config.add_genre_travail(travail.GENRE_TRAVAIL_FIGER)
    config.add_menu_entry(30, "releve-de-compte", _("Relevé de compte"))
