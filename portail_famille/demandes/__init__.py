"""Change requests (demandes): made by families, processed by staff."""

from ..i18n import _


def includeme(config):
    from .catalog import INDEXES

    config.include("portail_famille.catalogue")
    config.add_portail_indexes(**INDEXES)
    config.add_menu_entry(10, "mon-compte", _("Mon compte"))
    config.add_menu_entry(20, "mes-enfants", _("Mes enfants"))
    config.add_menu_entry(60, "liste-des-demandes", _("Liste des demandes"))
