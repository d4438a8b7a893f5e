"""Messages between families and the service enfance jeunesse: each
family's conversations (``resources``), what changes them (``service``),
the parent's "Boîte de réception" (``views``) and the agents' inbox
(``sdi``, ``groupe``)."""

from ..i18n import _


def includeme(config):
    from .catalog import INDEXES
    from .groupe import GENRE_TRAVAIL

    config.include("portail_famille.catalogue")
    config.add_portail_indexes(**INDEXES)
    config.add_menu_entry(40, "boite-de-reception", _("Boîte de réception"))
    config.add_genre_travail(GENRE_TRAVAIL)  # the group message, by the workers
