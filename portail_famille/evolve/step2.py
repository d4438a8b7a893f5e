"""Every Famille gets its ``demandes`` folder; the ``portail`` catalog."""

from ..site import ensure_site


def evolve(root, registry):
    ensure_site(root, registry)
    for famille in root["familles"].values():
        famille.after_create(famille, registry)
