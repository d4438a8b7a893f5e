"""A request's state is kept in ``Demande._etat``, behind the read-only
``Demande.etat`` (``demandes.cycle`` writes it): a request stored with an
``etat`` of its own gets it moved.  A request that never had one was en
attente, the class's default either way."""

from ..demandes.resources import IDemande


def evolve(root, registry):
    familles = root.get("familles")
    for famille in familles.values() if familles is not None else ():
        demandes = famille.get("demandes")
        for demande in demandes.values() if demandes is not None else ():
            if not IDemande.providedBy(demande):
                continue
            demande._p_activate()  # a ghost's __dict__ is empty
            if "etat" in demande.__dict__:
                demande._etat = demande.__dict__.pop("etat")
