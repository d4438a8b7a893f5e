"""The parent's month planning of a child, read-only:
``/familles/<n>/enfants/<id>/planning?mois=AAAA-MM`` (default: the current
month in Europe/Paris).  One row per inscription active that month, one
column per day; a cell shows its state (``cells``) or the kind of day of
the calendar (F, P, G, fermeture); days the prestation does not open are
greyed.  Only that month's cells are read."""

import datetime
import re

from pyramid.traversal import find_root
from pyramid.view import view_config

from .. import dates
from ..calendrier.jours import FERMETURE, jour, zone_vacances
from ..demandes.enfants import MENU_ENFANT
from ..demandes.views import _sans_sous_chemin, _traduire
from ..familles.resources import IEnfant
from ..i18n import _
from ..inscriptions import prestation_de
from ..security import P
from . import cells

VUE = "planning"
MOIS = (
    "Janvier",
    "Février",
    "Mars",
    "Avril",
    "Mai",
    "Juin",
    "Juillet",
    "Août",
    "Septembre",
    "Octobre",
    "Novembre",
    "Décembre",
)
JOURS_COURTS = ("Lu", "Ma", "Me", "Je", "Ve", "Sa", "Di")
_MOIS = re.compile(r"^(\d{4})-(\d{2})$")

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


def mois_demande(value, today):
    """(year, month) of ``?mois=AAAA-MM``; the current month when invalid."""
    match = _MOIS.match(value or "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    return today.year, today.month


def decaler(year, month, delta):
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


def _actives(enfant, calendrier, debut, fin):
    """[(inscription, prestation)] active during [debut, fin], sorted by
    structure then prestation."""
    found = []
    for inscription in enfant.inscriptions.values():
        annee = calendrier.get(inscription.annee) if calendrier is not None else None
        if annee is None or annee.fin < debut or annee.debut > fin:
            continue
        if inscription.debut is not None and inscription.debut > fin:
            continue
        prestation = prestation_de(enfant, inscription.prestation)
        if prestation is None:
            continue
        found.append((inscription, prestation))
    found.sort(key=lambda ip: (ip[1].structure.title, ip[1].title))
    return found


def _responsable(famille):
    r = famille.responsable
    return " ".join(p for p in (r.get("nom", ""), r.get("prenom", "")) if p)


def _cellule(request, etat, genre, ouvert):
    classes = []
    marque = texte = ""
    if etat is not None:
        marque, texte = ETATS[etat]
        classes.append("etat-" + etat)
    elif genre is not None:
        marque, texte = GENRES[genre]
        classes.append("jour-" + genre)
    if not ouvert:
        classes.append("non-ouvert")
        if not texte:
            texte = _("Non ouvert")
    return {
        "classe": " ".join(classes) or None,
        "marque": marque,
        "texte": _traduire(request, texte) if texte else "",
    }


@view_config(
    context=IEnfant,
    name=VUE,
    renderer="templates/planning.pt",
    permission=P.FAMILLE_VOIR,
)
def planning(context, request):
    _sans_sous_chemin(request)
    famille = context.__parent__.__parent__
    year, month = mois_demande(request.params.get("mois"), dates.today())
    debut, fin = cells.bornes(year, month)
    jours = [debut + datetime.timedelta(days=n) for n in range((fin - debut).days + 1)]
    calendrier = find_root(context).get("calendrier")
    zone = zone_vacances(request.registry.settings)
    actives = _actives(context, calendrier, debut, fin)
    etats = cells.cells_of_month(context, year, month, [i.prestation for i, _p in actives])
    genres = {}

    def genre(structure, day):
        key = (structure.__name__, day)
        if key not in genres:
            genres[key] = jour(calendrier, day, structure, zone) if calendrier else None
        return genres[key]

    responsable = _responsable(famille)
    lignes = [
        {
            "titre": "%s %s" % (prestation.structure.title, prestation.title),
            "responsable": responsable,
            "cellules": [
                _cellule(
                    request,
                    etats.get((inscription.prestation, day)),
                    genre(prestation.structure, day),
                    prestation.ouvert_le(day),
                )
                for day in jours
            ],
        }
        for inscription, prestation in actives
    ]
    menu = [
        {
            "titre": _traduire(request, titre),
            "url": request.resource_path(context, vue) if vue else request.resource_path(context),
            "actif": vue == VUE,
        }
        for vue, titre in MENU_ENFANT
    ]

    def lien(delta):
        y, m = decaler(year, month, delta)
        return request.resource_path(context, VUE, query={"mois": "%04d-%02d" % (y, m)})

    return {
        "famille": famille,
        "enfant": context,
        "menu": menu,
        "rubrique": _traduire(request, _("Planning")),
        "retour": request.resource_path(famille, "mes-enfants"),
        "mois": "%s %d" % (MOIS[month - 1], year),
        "precedent": lien(-1),
        "suivant": lien(1),
        "jours": [
            {
                "court": JOURS_COURTS[day.weekday()],
                "numero": "%02d" % day.day,
                "long": dates.en_toutes_lettres(day),
                "weekend": day.weekday() >= 5,
            }
            for day in jours
        ],
        "lignes": lignes,
        "legende": [(c, m, _traduire(request, t)) for c, m, t in LEGENDE],
        "legende_jours": [(c, _traduire(request, t)) for c, t in LEGENDE_JOURS],
        "marques": [(c, _traduire(request, t)) for c, t in MARQUES],
    }
