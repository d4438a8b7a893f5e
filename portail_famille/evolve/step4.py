"""The "structures" and "calendrier" root folders become their own content
types (Structures: structures only; Calendrier: school years, closures,
corrections), and agents get the SDI on them (the role table)."""

import logging

from ..site import ensure_site

log = logging.getLogger(__name__)

TYPES = {"structures": "Structures", "calendrier": "Calendrier"}


def evolve(root, registry):
    typeof = registry.content.typeof
    for name, content_type in TYPES.items():
        folder = root.get(name)
        if folder is None or typeof(folder) == content_type:
            continue
        if len(folder):
            # Nothing could be added there before this step but by hand:
            # keep it, and say so.
            log.warning("%s is not empty: left as a %s", name, typeof(folder))
            continue
        root.remove(name, registry=registry)
    ensure_site(root, registry)
