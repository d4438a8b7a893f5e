"""Messages between families and the service enfance jeunesse: each
family's conversations (``resources``), what changes them (``service``),
the parent's "Boîte de réception" (``views``) and the agents' inbox
(``sdi``, ``groupe``)."""

from ..i18n import _


def includeme(config):
    from .catalog import INDEXES

    config.include("portail_famille.catalogue")
    config.add_portail_indexes(**INDEXES)
    config.add_menu_entry(40, "boite-de-reception", _("Boîte de réception"))
