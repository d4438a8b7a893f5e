"""A late absence with a medical certificate ("Absence avec justificatif").

After the absence deadline (``regles.limite_absence``) a parent may still
declare an absence of a booked day, up to ``portail.absence_justificatif_jours``
days after it (default 7: a week is what a doctor's certificate usually
takes to reach the family, and what a town's billing run leaves before it
bills the month), with a certificate: a PDF, JPEG or PNG checked by its
content, required, kept as the request's first document (a piece of kind
"Certificat médical": ``demandes.pieces``, read and listed as every
request's documents are).  It is a request (type
``absence_justificatif``) in "Liste des demandes" and in the agents'
queue; the day shows "Absence en cours de traitement" and its billing waits
(``facturation.regularisation.SUSPENS``).

An agent decides on its own page (``sdi.justificatifs``), with a reason
the family reads: "Absent excusé" (the lifecycle's acceptance: the day is
not billed; a day already invoiced is credited by the régie's
regularisation) or "Absent facturé" (the lifecycle's refusal of the
excuse: the day is billed as a pointage's "Absent facturé").  Both go
through ``cells.set_cell``, so billing follows exactly as it follows the
pointage.

A day takes one such request: its grid's "one change per activity and
date" binds, except after a late absence without certificate the agent
made "Absent facturé" (the certificate came afterwards) and a day the
pointage marked "Absent facturé" (no request of the parent's).
"""

import datetime

import colander

from .. import dates, fichiers
from ..demandes import cycle, pieces
from ..demandes.resources import ACCEPTEE, EN_ATTENTE, REFUSEE
from ..demandes.types import CIBLE_JOUR, ONGLET_ENFANTS, TypeDemande, ajouter
from ..familles.schemas import PlanningSchema
from ..i18n import _
from ..security import P
from . import cells, regles, service

TYPE = "absence_justificatif"
VUE = "absence-justificatif"  # the family's form, on the Enfant (``declaration``)
JOURS = "portail.absence_justificatif_jours"
JOURS_DEFAUT = 7
# The cells on which a late absence may be declared: a booked day, or one
# the pointage (or a late absence without certificate) made "Absent facturé".
DECLARABLES = frozenset((cells.RESERVE, cells.ABSENT_FACTURE))
# Why the regularisation of a billed day changed (its ``detail``).
DETAIL = _("certificat médical")
COURRIEL = "absence_justificatif"


class JustificatifSchema(PlanningSchema):
    """The fields of such a request, as the lists show them."""

    justificatif = colander.SchemaNode(colander.String(), title=_("Justificatif"), missing="")


TYPE_DEMANDE = TypeDemande(
    TYPE,
    _("Absence avec justificatif"),
    _("Absences avec justificatif"),
    None,
    JustificatifSchema,
    P.PLANNING_TRAITER,
    ONGLET_ENFANTS,
    CIBLE_JOUR,
)
TYPE_DEMANDE.decisions = {ACCEPTEE: _("Absent excusé"), REFUSEE: _("Absent facturé")}
TYPE_DEMANDE.vue_traitement = "absence-justifiee"


def jours_apres(settings):
    """How many days after a day its late absence may be declared."""
    try:
        jours = int((settings or {}).get(JOURS, JOURS_DEFAUT))
    except (TypeError, ValueError):
        return JOURS_DEFAUT
    return max(jours, 0)


def choix(prestation_oid, day):
    """A day of the family's form: "<prestation oid>:<AAAA-MM-JJ>"."""
    return "%d:%s" % (prestation_oid, day.isoformat())


def declarable(enfant, prestation_oid, day, settings, now):
    """May a late absence with a certificate be declared on ``day``?"""
    try:
        verifier(enfant, prestation_oid, day, settings, now)
    except service.Refus:
        return False
    return True


def _modification_permise(enfant, prestation_oid, day):
    """The day's earlier request, when there is one, leaves room for a
    certificate: only a late absence an agent made "Absent facturé"."""
    if cells.modification(enfant, prestation_oid, day) is None:
        return True
    demande = cells.demande_du_jour(enfant, prestation_oid, day)
    return (
        demande is not None
        and demande.type_demande == service.ABSENCE
        and demande.etat == ACCEPTEE
        and cells.etat(enfant, prestation_oid, day) == cells.ABSENT_FACTURE
    )


def verifier(enfant, prestation_oid, day, settings, now):
    """The Prestation, when a late absence with a certificate may be
    declared on ``day``; else ``service.Refus``."""
    prestation = service._jour_valide(enfant, prestation_oid, day, settings)
    if not _modification_permise(enfant, prestation_oid, day):
        raise service.Refus(
            _(
                "Vous ne pouvez faire qu'une seule modification par activité pour une même "
                "date. Pour une nouvelle modification, écrivez au service depuis la "
                "Boîte de réception."
            ),
            seconde=True,
        )
    etat = cells.etat(enfant, prestation_oid, day)
    if etat not in DECLARABLES:
        raise service.Refus(
            _("Il n'y a pas de réservation à cette date : pas d'absence à déclarer.")
        )
    if now < regles.limite_absence(prestation, day):
        raise service.Refus(
            _(
                "Le délai d'absence n'est pas dépassé : déclarez l'absence du ${jour} depuis "
                "le planning, sans justificatif (« Déclarer une absence »).",
                mapping={"jour": dates.courte(day)},
            )
        )
    jours = jours_apres(settings)
    if dates.local(now).date() > day + datetime.timedelta(days=jours):
        raise service.Refus(
            _(
                "Une absence avec justificatif se déclare au plus tard ${jours} jours après "
                "la journée : pour le ${jour}, écrivez au service depuis la Boîte de réception.",
                mapping={"jours": jours, "jour": dates.courte(day)},
            )
        )
    return prestation


def jours_declarables(enfant, settings, now):
    """[(Prestation, day)] of the child's days a late absence may be
    declared on now, by date: one range read per enrolled prestation,
    from ``jours_apres`` days back to a month ahead (no deadline is
    longer)."""
    today = dates.local(now).date()
    debut = today - datetime.timedelta(days=jours_apres(settings))
    fin = today + datetime.timedelta(days=31)
    tree = cells.cellules(enfant)
    found = []
    if tree is None:
        return found
    for oid in {i.prestation for i in enfant.inscriptions.values()}:
        for (_oid, day), etat in tree.items(min=(oid, debut), max=(oid, fin)):
            if etat not in DECLARABLES:
                continue
            try:
                found.append((verifier(enfant, oid, day, settings, now), day))
            except service.Refus:  # not (or no longer) declarable
                continue
    return sorted(found, key=lambda item: (item[1], item[0].structure.title, item[0].title))


def declarer(enfant, prestation_oid, day, motif, certificat, demandeur, request, now=None):
    """Declare the late absence of ``day`` with its reason and its
    certificate (``certificat``: (bytes, MIME type, name), read by
    ``pieces.recevoir``): the cell becomes "Absence en cours de
    traitement", the request waits for an agent with the certificate as
    its document.  Raises ``service.Refus``; returns the Demande."""
    now = now or dates.horodatage()
    motif = service.motif_absence(motif)
    if certificat is None:
        raise service.Refus(_("Joignez le certificat médical (PDF, JPEG ou PNG)."))
    prestation = verifier(enfant, prestation_oid, day, request.registry.settings, now)
    avant = cells.etat(enfant, prestation_oid, day)
    service.changer(enfant, prestation, day, cells.ABSENCE_TRAITEMENT, cause=cells.ABSENCE_DECLAREE)
    registry = request.registry
    valeurs = service._valeurs(prestation, day, motif)
    data, mimetype, nom = certificat
    # The name the lists show, as the stored document will have it.
    valeurs["justificatif"] = fichiers.nom_stocke(nom, mimetype)
    demande = registry.content.create(
        "Demande", TYPE, valeurs, {}, now, demandeur, enfant=enfant.__name__
    )
    demande.prestation = prestation_oid
    demande.jour = day
    demande.hors_delai = True
    demande.etat_cellule_avant = avant
    cycle.deposer(demande, enfant.__parent__.__parent__, registry, EN_ATTENTE, now=now)
    pieces.joindre(demande, request, data, mimetype, nom, pieces.CERTIFICAT_MEDICAL, demandeur, now)
    cells.noter_modification(enfant, prestation_oid, day, demande)
    return demande


def decider(demande, excuse, motif, par, request, now=None):
    """An agent's decision with its reason (required): "Absent excusé"
    (``excuse``: accepted, the day not billed) or "Absent facturé"
    (refused: the day billed).  Raises ``ValueError('motif')`` without a
    reason, the lifecycle's ``DemandeError`` otherwise."""
    motif = (motif or "").strip()
    if not motif:
        raise ValueError("motif")
    if excuse:
        cycle.accepter(demande, par, request, now=now, motif=motif)
    else:
        cycle.refuser(demande, par, motif, request, now=now)


def _contexte(demande):
    enfant, prestation = service._contexte(demande)
    return enfant, prestation, demande.jour


def accepter(demande, request, force=False, now=None):
    """The handler of "Absent excusé": the day is not billed (a billed one
    is credited), its place goes to the first one waiting."""
    enfant, prestation, day = _contexte(demande)
    detail = request.localizer.translate(DETAIL)
    service.changer(
        enfant, prestation, day, cells.ABSENT_EXCUSE, cause=cells.ABSENCE_ACCEPTEE, detail=detail
    )
    service.promouvoir(prestation, day, request, now)


def refuser(demande, request, now=None):
    """The handler of "Absent facturé": the day is billed."""
    enfant, prestation, day = _contexte(demande)
    service.changer(enfant, prestation, day, cells.ABSENT_FACTURE, cause=cells.ABSENCE_REFUSEE)


def includeme(config):
    ajouter(TYPE_DEMANDE)
    config.add_traitement_demande(TYPE, accepter, refuser, (COURRIEL, COURRIEL))
