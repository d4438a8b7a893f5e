"""actualites (issue 6)."""


def includeme(config):
    pass
