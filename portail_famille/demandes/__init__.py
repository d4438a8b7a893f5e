"""Change requests (demandes): made by families, processed by staff.

``cycle`` owns a request's states and transitions; each type's package
registers what accepting or refusing it does (``fiche`` here for the
family record and the children, ``planning`` for reservations and
absences)."""

from .. import journal
from ..i18n import _


def includeme(config):
    from .catalog import INDEXES
    from .cycle import ACTIONS
    from .pieces import ACTIONS as ACTIONS_PIECES
    from .sdi import AUDIT_IBAN

    # The Journal tab's names of what staff and the rules do to requests.
    journal.nommer_actions(config, {AUDIT_IBAN: _("IBAN complet consulté"), **ACTIONS})
    journal.nommer_actions(config, ACTIONS_PIECES)

    config.include("portail_famille.catalogue")
    config.add_portail_indexes(**INDEXES)
    config.include(".cycle")
    config.include(".fiche")
    config.add_menu_entry(10, "mon-compte", _("Mon compte"))
    config.add_menu_entry(20, "mes-enfants", _("Mes enfants"))
    config.add_menu_entry(60, "liste-des-demandes", _("Liste des demandes"))
