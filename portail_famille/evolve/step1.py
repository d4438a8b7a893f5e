"""Create the site's folders and groups, and apply the role table."""

from ..site import ensure_site


def evolve(root, registry):
    ensure_site(root, registry)
