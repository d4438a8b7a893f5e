"""The home pages: the family's (``views``: its operations in progress, the
news) and the staff's dashboard of the day (``tableau``), with the staff's
search by name (``recherche``).  They show what several domains hold
together, so they sit above them."""


def includeme(config):
    from .sante import INDEXES

    # The children with a health alert, for the dashboard's block of the
    # day (``sante``): one index of the families, no child walked.
    config.include("portail_famille.catalogue")
    config.add_portail_indexes(**INDEXES)
