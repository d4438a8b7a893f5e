"""The manual's legend of the planning: what each state and kind of day
looks like (visible mark) and says (text for screen readers)."""

from ..calendrier.jours import FERMETURE
from ..i18n import _
from . import cells

# state -> (visible mark, text for screen readers), the manual's legend.
ETATS = {
    cells.RESERVE: ("✓", _("Réservé")),
    cells.PRESENT: ("✓", _("Présent")),
    cells.PRESENT_RESERVE: ("✓", _("Présent sur une journée réservée")),
    cells.ABSENT_FACTURE: ("A", _("Absent facturé")),
    cells.ABSENT_EXCUSE: ("A", _("Absent excusé")),
    cells.CONGE: ("C", _("Congé")),
    cells.HORS_CONTRAT: ("H", _("Heure hors contrat Régulier")),
    cells.ERREUR: ("!", _("Erreur")),
    cells.RESERVATION_TRAITEMENT: ("…", _("Réservation en cours de traitement")),
    cells.ABSENCE_TRAITEMENT: ("…", _("Absence en cours de traitement")),
    cells.ATTENTE: ("◷", _("Demande en attente")),
    cells.RESERVATION_REFUSEE: ("✗", _("Réservation refusée")),
    cells.FERMETURE: ("■", _("Fermeture")),
}
# kind of day (calendrier.jours) -> (visible mark, text for screen readers)
GENRES = {
    "F": ("F", _("Jour férié")),
    "P": ("P", _("Petites vacances")),
    "G": ("G", _("Grandes vacances")),
    FERMETURE: ("■", _("Fermeture")),
}
# The manual's legend: (CSS class, mark, label).
LEGENDE = (
    ("reserve", "■", _("Réservé")),
    ("erreur", "■", _("Erreur")),
    ("conge", "■", _("Congé")),
    ("hors_contrat", "■", _("Heure hors contrat Régulier")),
    ("fermeture", "■", _("Fermeture")),
    ("absent_facture", "■", _("Absent facturé")),
    ("attente", "■", _("Demande en attente")),
    ("absent_excuse", "■", _("Absent excusé")),
    ("reservation_traitement", "■", _("Réservation en cours de traitement")),
    ("reservation_refusee", "✗", _("Réservation refusée")),
    ("absence_traitement", "■", _("Absence en cours de traitement")),
)
LEGENDE_JOURS = (
    ("P", _("Petites vacances")),
    ("G", _("Grandes vacances")),
    ("F", _("Jour férié")),
)
MARQUES = (
    ("reserve", _("Indique que vous avez réservé la journée.")),
    ("present", _("Indique que votre enfant était présent sur la journée.")),
    (
        "present_reserve",
        _("Indique que votre enfant était présent sur la journée que vous aviez réservée."),
    ),
)
