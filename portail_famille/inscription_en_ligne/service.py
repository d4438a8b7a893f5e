"""Online enrolment: the activities open for enrolment, the family's
request (a Demande "inscription" with its answers, its documents and the
règlement intérieur accepted), and what accepting it does: the child's
inscription to the prestation for the school year with its regular
contract (``inscriptions.inscrire``, ``planning.service.reserver_contrat``),
as an agent's "Inscriptions" tab makes it.

Places: an activity takes ``Ouverture.places`` children a year; the
children already enrolled are read from the prestation's index of
inscriptions (one range read).  A parent cannot ask for a full activity;
accepting a request when the last place went meanwhile is refused, having
written nothing.
"""

from pyramid.traversal import find_root
from substanced.util import get_oid

from .. import dates
from ..demandes import cycle, pieces
from ..demandes.types import CIBLE_INSCRIPTION, ONGLET_ENFANTS, TypeDemande
from ..i18n import _, traduire
from ..inscriptions import (
    annee_de_libelle,
    erreurs,
    inscrire,
    inscrits,
    libelle_jours,
    prestation_de,
)
from ..planning.service import reserver_contrat
from ..security import P
from . import resources
from .schemas import DemandeInscriptionSchema

TYPE = "inscription"


class Complet(cycle.DemandeError):
    message = _("Il n'y a plus de place dans cette activité pour cette année scolaire.")


class InscriptionImpossible(cycle.DemandeError):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def nom(prestation):
    return "%s — %s" % (prestation.structure.title, prestation.title)


def cle_offre(prestation, ouverture):
    return "%s:%s" % (get_oid(prestation), ouverture.annee)


def toutes(context):
    """[(prestation, ouverture)] of every activity with an opening, any
    date, in the structures' order then by year."""
    structures = find_root(context).get("structures")
    found = []
    if structures is None:
        return found
    for structure in structures.values():
        if not hasattr(structure, "prestations"):
            continue
        for prestation in structure.prestations():
            for _annee, ouverture in sorted(resources.ouvertures(prestation).items()):
                found.append((prestation, ouverture))
    return found


def ouvertes(context, jour=None):
    """The activities open for enrolment on ``jour`` (today)."""
    jour = jour or dates.today()
    return [(p, o) for p, o in toutes(context) if o.ouverte_le(jour)]


def offre(context, cle, jour=None):
    """(prestation, ouverture) open on ``jour`` of key ``cle`` (from a
    form), or None."""
    for prestation, ouverture in ouvertes(context, jour):
        if cle_offre(prestation, ouverture) == cle:
            return prestation, ouverture
    return None


def places_restantes(prestation, ouverture):
    return max(0, ouverture.places - len(inscrits(prestation, ouverture.annee)))


def deposer(
    request,
    famille,
    enfant,
    prestation,
    ouverture,
    jours,
    reponses,
    documents,
    now=None,
):
    """The family's request: ``jours`` the regular contract's weekdays,
    ``reponses`` ((question, answer), ...), ``documents`` [(nature, data,
    mimetype, name)], the règlement intérieur's version accepted now.
    Returns the Demande (en attente)."""
    registry = request.registry
    now = now or dates.horodatage()
    par = request.user.__name__
    accepte = "%s (%s)" % (
        ouverture.reglement_version,
        dates.moment(now),
    )
    valeurs = {
        "activite": nom(prestation),
        "annee": ouverture.annee,
        "jours": libelle_jours(jours),
        "reglement": accepte,
    }
    demande = registry.content.create(
        "Demande", TYPE, valeurs, {}, now, par, enfant=enfant.__name__
    )
    demande.prestation = get_oid(prestation)
    demande.annee_inscription = ouverture.annee
    demande.jours_contrat = frozenset(jours)
    demande.reponses = tuple(reponses)
    demande.reglement_version = ouverture.reglement_version
    demande.reglement_accepte_le = now
    cycle.deposer(demande, famille, registry)
    for nature, data, mimetype, nom_fichier in documents:
        pieces.joindre(demande, request, data, mimetype, nom_fichier, nature, par, now)
    return demande


# --- The handlers of ``demandes.cycle`` --------------------------------------


def accepter(demande, request, force=False, now=None):
    """The child is enrolled with the regular contract asked for, from the
    start of the school year (or today, when it has begun)."""
    enfant = demande.objet_enfant()
    prestation = prestation_de(demande.famille, demande.prestation)
    if enfant is None or prestation is None:
        raise cycle.DemandeError()
    libelle = demande.annee_inscription
    ouverture = resources.ouverture(prestation, libelle)
    if ouverture is not None and places_restantes(prestation, ouverture) <= 0:
        raise Complet()
    annee = annee_de_libelle(enfant, libelle)
    debut = max(annee.debut, dates.today()) if annee is not None else None
    found = erreurs(enfant, demande.prestation, libelle, debut, demande.jours_contrat)
    if found:
        raise InscriptionImpossible(next(iter(found.values())))
    inscription = inscrire(enfant, demande.prestation, libelle, debut, demande.jours_contrat)
    if ouverture is not None:
        ouverture.acceptees += 1  # concurrent acceptances conflict (resources)
    demande.jours_reserves = reserver_contrat(
        enfant, inscription, request.registry.settings, prestation=prestation
    )
    cycle.signaler_modification(request.registry, enfant)


def decrire(request, demande):
    """What the request asks for, in the family's words (the lists)."""
    valeurs = demande.valeurs
    lignes = [
        "%s : %s" % (traduire(request, _("Activité")), valeurs.get("activite", "")),
        "%s : %s" % (traduire(request, _("Année scolaire")), valeurs.get("annee", "")),
    ]
    if valeurs.get("jours"):
        lignes.append("%s : %s" % (traduire(request, _("Contrat régulier")), valeurs["jours"]))
    for question, reponse in getattr(demande, "reponses", ()):
        lignes.append("%s : %s" % (question, reponse))
    if valeurs.get("reglement"):
        lignes.append(
            traduire(
                request,
                _(
                    "Règlement intérieur accepté : version ${version}",
                    mapping={"version": valeurs["reglement"]},
                ),
            )
        )
    return lignes


DEMANDE_INSCRIPTION = TypeDemande(
    TYPE,
    _("Demande d'inscription"),
    _("Inscriptions"),
    None,
    DemandeInscriptionSchema,
    P.DEMANDE_TRAITER_COMPTE,
    ONGLET_ENFANTS,
    CIBLE_INSCRIPTION,
    decrire=decrire,
)
