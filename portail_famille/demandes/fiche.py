"""What accepting a request of Mon compte or Mes enfants applies: a section
of the family record, a section of one child, or a new child.

These are the handlers of those types (``cycle``); refusing one changes
nothing in the record.  A handler writes in the record and in the request
only once it knows it can: when the record changed since the request was
made it raises ``FicheModifiee``, having written nothing, unless ``force``
(the agent saw it).
"""

from .. import dates
from ..facturation.compte import noter_quotient
from ..familles.resources import IDENTITE_ENFANT
from .cycle import DemandeError, signaler_modification


class FicheModifiee(DemandeError):
    """The record changed since the request was made; ``champs`` says where."""

    def __init__(self, champs):
        super().__init__(champs)
        self.champs = champs


def _verifier(demande, force):
    changed = demande.champs_modifies_depuis()
    if changed and not force:
        raise FicheModifiee(changed)


def _copier(demande, section):
    for name, value in demande.valeurs.items():
        section[name] = value


def _appliquer_a_la_famille(demande, request):
    famille = demande.famille
    _copier(demande, getattr(famille, demande.type.section))
    signaler_modification(request.registry, famille)


def modifier_famille(demande, request, force=False, now=None):
    """The family record's section takes the request's values."""
    _verifier(demande, force)
    _appliquer_a_la_famille(demande, request)


def modifier_caf(demande, request, force=False, now=None):
    """As ``modifier_famille``; a new quotient familial is dated (the
    days billed before it keep the earlier one)."""
    _verifier(demande, force)
    if "quotient_familial" in demande.valeurs:
        jour = dates.local(now).date() if now else dates.today()
        noter_quotient(demande.famille, jour, demande.valeurs["quotient_familial"])
    _appliquer_a_la_famille(demande, request)


def modifier_enfant(demande, request, force=False, now=None):
    """The child's section takes the request's values."""
    _verifier(demande, force)
    enfant = demande.objet_enfant()
    if enfant is None:
        raise DemandeError("enfant")
    _copier(demande, enfant.section_modifiable(demande.type.section))
    signaler_modification(request.registry, enfant)


def ajouter_enfant(demande, request, force=False, now=None):
    """A new child with the request's identity; the request names it."""
    _verifier(demande, force)
    registry = request.registry
    identite = {name: demande.valeurs[name] for name in IDENTITE_ENFANT if name in demande.valeurs}
    enfant = registry.content.create("Enfant", **identite)
    demande.famille["enfants"].add_next(enfant, registry=registry)
    demande.enfant = enfant.__name__
    signaler_modification(registry, enfant)


def includeme(config):
    for nom in ("responsable", "conjoint", "fiscales", "bancaires"):
        config.add_traitement_demande(nom, accepter=modifier_famille)
    config.add_traitement_demande("caf", accepter=modifier_caf)
    for nom in ("autorisations", "sanitaires"):
        config.add_traitement_demande(nom, accepter=modifier_enfant)
    config.add_traitement_demande("nouvel_enfant", accepter=ajouter_enfant)
