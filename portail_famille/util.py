"""Small helpers shared by the domains."""

from BTrees.OOBTree import OOBTree


def root_attribute(root, name, factory):
    """The non-content object ``name`` kept on the root (made on first use):
    counters, tokens, journals that are not content of the tree."""
    found = root.__dict__.get(name)
    if found is None:
        found = factory()
        setattr(root, name, found)
    return found


def arbre(obj, name, create=False):
    """The OOBTree kept in ``obj``'s attribute ``name`` (high-volume data
    that is not content: planning cells, day counters, indexes); None when
    it has none yet, unless ``create``, which makes it.  Reading never
    writes to the database."""
    tree = getattr(obj, name, None)
    if tree is None and create:
        tree = OOBTree()
        setattr(obj, name, tree)
    return tree
