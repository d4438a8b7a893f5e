"""Everything added to SubstanceD's management interface (SDI).  What
replaces SubstanceD's own code (names, escaping, the Undo tab) is applied
by ``portail_famille.correctifs``."""


def includeme(config):
    config.include("portail_famille.sdi.fichiers")
    # the Undo tab's French template (its guard: correctifs.substanced)
    config.include("portail_famille.sdi.annuler")
    # every SDI page's frame, in French (its guard: correctifs.GABARITS)
    config.override_asset(
        to_override="substanced.sdi.views:templates/master.pt",
        override_with="portail_famille.sdi:templates/master.pt",
    )
    # the contents grid's messages (session expired, server unreachable)
    config.override_asset(
        to_override="substanced.folder:static/js/folder.js",
        override_with="portail_famille.sdi:static/folder.js",
    )
    # the Upload tab (administrators, where SubstanceD's files may go)
    config.override_asset(
        to_override="substanced.folder:templates/multiupload.pt",
        override_with="portail_famille.sdi:templates/multiupload.pt",
    )
    config.override_asset(
        to_override="substanced.folder:static/js/multiupload.js",
        override_with="portail_famille.sdi:static/multiupload.js",
    )
    # the contents grid's dates ("7 décembre", not "December 7")
    config.override_asset(
        to_override="substanced.folder:static/js/slickgrid-config.js",
        override_with="portail_famille.sdi:static/slickgrid-config.js",
    )
    config.add_subscriber(
        "portail_famille.sdi.subscribers.undo_token_to_header",
        "pyramid.events.NewRequest",
    )
    config.add_subscriber(
        "portail_famille.sdi.subscribers.deform_token_to_header",
        "pyramid.events.NewRequest",
    )
    config.add_subscriber(
        "portail_famille.sdi.subscribers.annotate_transaction",
        "pyramid.events.ContextFound",
    )
