"""An agent books or cancels a day for a parent (on the phone: "Madame
Dupont: Lucas mercredi prochain").

The rules are the parent's grid's (``service``: enrolment, opening days,
deadline, capacity, one change per activity and date), with the same
French refusals; the agent decides at once (no request left for another
agent).  His override (``derogation``, with its reason) lifts the
deadline and the capacity of a booking, and makes an absence after the
deadline excused instead of billed.  Each action is one Demande of the
family (its "Liste des demandes" shows it), one entry of the site's
journal with the agent and the reason, and a mail to the family saying
who did what, and when.

A child shared by two households (garde alternée, ``familles.partage``):
the agent books for the household he names (``foyer``), on its weeks
only, as its parent would; the request, the day (billed to it), the
journal's entry and the mail are that household's.
"""

from .. import dates, journal
from ..demandes import cycle
from ..demandes.resources import ACCEPTEE
from ..i18n import _
from ..security import login
from . import cells, service

RESERVATION = "PlanningReservationAgent"
ANNULATION = "PlanningAnnulationAgent"
ACTIONS = {
    RESERVATION: _("Journée réservée par un agent pour la famille"),
    ANNULATION: _("Réservation annulée par un agent pour la famille"),
}
COURRIEL = "planning_agent"


def motif_propre(motif):
    """The reason on one line, without the spaces around."""
    return " ".join(motif.split()) if isinstance(motif, str) else ""


def verifier_motif(motif, requis):
    """A French error about ``motif`` (already ``motif_propre``), or None."""
    if requis and not motif:
        return _("Indiquez le motif de la dérogation.")
    if len(motif) > service.MOTIF_MAX:
        return _(
            "Le motif est trop long (${max} caractères au plus).",
            mapping={"max": service.MOTIF_MAX},
        )
    return None


def verifier_presente(enfant, foyer=None):
    """Refus when the child or its family (or the household ``foyer`` it
    is booked for) left (archived): the parent's grid takes nothing then,
    nor does the agent."""
    famille = enfant.__parent__.__parent__
    partie_le = famille.partie_le or enfant.partie_le
    if partie_le is None and foyer is not None:
        partie_le = foyer.partie_le
    if partie_le is not None:
        raise service.Refus(
            _(
                "Fiche archivée : partie le ${date}. Réactivez-la (onglet Départ) "
                "avant de réserver ou d'annuler.",
                mapping={"date": dates.courte(partie_le)},
            )
        )


def _noter(request, quoi, demande, enfant, motif, derogation):
    journal.noter(
        request,
        quoi,
        demande,
        famille=demande.numero_famille,
        enfant=enfant,
        ecran=request.path,
        details={
            "activite": demande.valeurs.get("activite", ""),
            "jour": demande.jour.isoformat(),
            "etat": cells.etat(enfant, demande.prestation, demande.jour) or "",
            "derogation": bool(derogation),
            "motif": motif,
        },
    )


def _prevenir(request, demande, quoi, suite):
    translate = request.localizer.translate
    cycle.prevenir(
        request,
        demande,
        COURRIEL,
        agent=login(request),
        moment=dates.moment_a(demande.date_demande),
        quoi=translate(quoi),
        suite=translate(suite),
    )


def reserver(enfant, prestation_oid, day, request, derogation="", now=None, foyer=None):
    """Book ``day`` for the family (``foyer``: the household of a shared
    child it is booked for, default its first): Réservé (beyond the
    deadline and the capacity with a ``derogation``, its reason), or the
    waiting list when the day is full.  Raises ``service.Refus``; returns
    the Demande."""
    verifier_presente(enfant, foyer)
    demande = service.demander_reservation(
        enfant,
        prestation_oid,
        day,
        login(request),
        request,
        now=now,
        agent=True,
        derogation=derogation,
        foyer=foyer,
    )
    _noter(request, RESERVATION, demande, enfant, derogation, derogation)
    if demande.etat == ACCEPTEE:
        _prevenir(
            request,
            demande,
            _("réservé la journée suivante"),
            _("La réservation est enregistrée."),
        )
    else:
        _prevenir(
            request,
            demande,
            _("demandé la journée suivante, qui est complète"),
            _(
                "Votre enfant est en liste d'attente : vous recevrez un courriel "
                "si une place se libère."
            ),
        )
    return demande


def annuler(enfant, prestation_oid, day, motif, request, derogation=False, now=None, foyer=None):
    """Cancel a booked ``day`` for the family (an absence with its
    reason; ``foyer``: as for ``reserver``): Absent excusé, or Absent
    facturé after the deadline unless the agent's ``derogation``.  Raises
    ``service.Refus``; returns the Demande."""
    verifier_presente(enfant, foyer)
    demande = service.declarer_absence(
        enfant,
        prestation_oid,
        day,
        motif,
        login(request),
        request,
        now=now,
        agent=True,
        derogation=derogation,
        foyer=foyer,
    )
    _noter(request, ANNULATION, demande, enfant, demande.valeurs.get("motif", ""), derogation)
    facturee = cells.etat(enfant, prestation_oid, day) == cells.ABSENT_FACTURE
    _prevenir(
        request,
        demande,
        _("annulé la réservation de la journée suivante"),
        _("Le délai d'annulation était dépassé : cette journée sera facturée.")
        if facturee
        else _("Cette journée ne sera pas facturée."),
    )
    return demande


def includeme(config):
    journal.nommer_actions(config, ACTIONS)
