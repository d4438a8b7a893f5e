"""Small helpers shared by the domains."""


def root_attribute(root, name, factory):
    """The non-content object ``name`` kept on the root (made on first use):
    counters, tokens, journals that are not content of the tree."""
    found = root.__dict__.get(name)
    if found is None:
        found = factory()
        setattr(root, name, found)
    return found
