"""What a step that reads every family does: the families one by one, the
connection's cache emptied of them every ``LOT`` families, so that a town
of 10,000 does not hold them all in memory."""

LOT = 500  # families between two cache collections


def chaque_famille(root):
    """Every family of the tree, in order (none without a ``familles``)."""
    familles = root.get("familles")
    jar = getattr(root, "_p_jar", None)
    for n, famille in enumerate(familles.values() if familles is not None else ()):
        if jar is not None and n % LOT == LOT - 1:
            jar.cacheGC()
        yield famille
