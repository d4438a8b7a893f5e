"""Families and their children: the record every other domain hangs on."""


def current_famille(request):
    """The logged-in parent's Famille (None: staff, or nobody): ``request.famille``,
    which the skin's header and menu read."""
    from .resources import famille_of

    user = request.user
    return famille_of(user) if user is not None else None


def includeme(config):
    from substanced.interfaces import IACLModified, IObjectAdded, IObjectModified, IObjectRemoved
    from zope.interface import Interface

    from .catalog import INDEXES, reindexer_famille, reindexer_partie
    from .resources import IEnfant, IFamille

    config.add_request_method(current_famille, "famille", reify=True)
    # A child shared with a second household (``sdi_partage``): journaled.
    from .. import journal
    from .sdi_partage import ACTIONS

    journal.nommer_actions(config, ACTIONS)
    # The staff's search by name (``recherche``): the family's mots, kept
    # up to date when one of its children is added, changed or removed.
    config.include("portail_famille.catalogue")
    config.add_portail_indexes(**INDEXES)
    # A folder notifies (event, object, folder); a change (event, object).
    for event in (IObjectAdded, IObjectRemoved):
        config.add_subscriber(reindexer_famille, [event, IEnfant, Interface])
    config.add_subscriber(reindexer_famille, [IObjectModified, IEnfant])
    # A departure (or its end) sets partie_le and the ACL: the summary's state.
    config.add_subscriber(reindexer_partie, [IACLModified, IFamille])
