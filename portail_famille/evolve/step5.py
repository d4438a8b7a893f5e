"""Every Enfant gets its own ``inscriptions`` mapping."""


def evolve(root, registry):
    for famille in root["familles"].values():
        enfants = famille.get("enfants")
        if enfants is None:
            continue
        for enfant in enfants.values():
            enfant.inscriptions_modifiables()
