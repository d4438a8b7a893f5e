"""Everything added to SubstanceD's management interface (SDI)."""


def includeme(config):
    config.include("portail_famille.sdi.grille")
    config.include("portail_famille.sdi.fichiers")
    config.include("portail_famille.sdi.noms")
    config.include("portail_famille.sdi.echappement")
    config.include("portail_famille.sdi.annuler")
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
