"""Every Enfant gets its own ``autorisations`` and ``sanitaires`` mappings."""

from ..familles.resources import SECTIONS_ENFANT


def evolve(root, registry):
    for famille in root["familles"].values():
        enfants = famille.get("enfants")
        if enfants is None:
            continue
        for enfant in enfants.values():
            for section in SECTIONS_ENFANT:
                enfant.section_modifiable(section)
