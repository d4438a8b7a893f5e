"""What accepting a request of Mon compte or Mes enfants applies: a section
of the family record, a section of one child, or a new child.

These are the handlers of those types (``cycle``); refusing one changes
nothing in the record.  The CAF section's is the billing's
(``facturation.compte``): it dates the quotient familial, then applies
the section as here.  A handler writes in the record and in the request
only once it knows it can: when the record changed since the request was
made it raises ``FicheModifiee``, having written nothing, unless ``force``
(the agent saw it).
"""

from ..familles.resources import IDENTITE_ENFANT
from .cycle import DemandeError, signaler_modification


class FicheModifiee(DemandeError):
    """The record changed since the request was made; ``champs`` says where."""

    def __init__(self, champs):
        super().__init__(champs)
        self.champs = champs


def verifier(demande, force=False):
    """Raises ``FicheModifiee`` when the record changed since the request
    was made, unless ``force``."""
    changed = demande.champs_modifies_depuis()
    if changed and not force:
        raise FicheModifiee(changed)


def _copier(demande, section):
    for name, value in demande.valeurs.items():
        section[name] = value


def modifier_famille(demande, request, force=False, now=None):
    """The family record's section takes the request's values."""
    verifier(demande, force)
    famille = demande.famille
    _copier(demande, getattr(famille, demande.type.section))
    signaler_modification(request.registry, famille)


def modifier_enfant(demande, request, force=False, now=None):
    """The child's section takes the request's values."""
    verifier(demande, force)
    enfant = demande.objet_enfant()
    if enfant is None:
        raise DemandeError("enfant")
    _copier(demande, enfant.section_modifiable(demande.type.section))
    signaler_modification(request.registry, enfant)


def ajouter_enfant(demande, request, force=False, now=None):
    """A new child with the request's identity; the request names it."""
    verifier(demande, force)
    registry = request.registry
    identite = {name: demande.valeurs[name] for name in IDENTITE_ENFANT if name in demande.valeurs}
    enfant = registry.content.create("Enfant", **identite)
    demande.famille["enfants"].add_next(enfant, registry=registry)
    demande.enfant = enfant.__name__
    signaler_modification(registry, enfant)


def includeme(config):
    for nom in ("responsable", "conjoint", "fiscales", "bancaires"):
        config.add_traitement_demande(nom, accepter=modifier_famille)
    for nom in ("autorisations", "sanitaires"):
        config.add_traitement_demande(nom, accepter=modifier_enfant)
    config.add_traitement_demande("nouvel_enfant", accepter=ajouter_enfant)
