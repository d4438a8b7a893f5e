"""What kind of day a date is: ``jour(calendrier, date, structure=None)``.

Precedence: the agents' correction of the day first, then the closures
(Fermeture, town-wide or of the structure), then public holidays (F, from
``jours-feries-france``), then the school holidays: those the agents entered
for the day's school year when they did (``PeriodeVacances``), else those of
the town's zone from ``vacances-scolaires-france`` (summer = G, the others =
P).  ``None`` is a normal school day.  The data of both libraries ships with
them (no network): the school holidays' stops at a date
(``fin_vacances_connues``), after which the agents enter them.
"""

import functools
import logging

from jours_feries_france import JoursFeries
from pyramid.threadlocal import get_current_registry
from substanced.util import get_oid
from vacances_scolaires_france import SchoolHolidayDates, UnsupportedYearException

log = logging.getLogger(__name__)

FERIE = "F"
PETITES_VACANCES = "P"
GRANDES_VACANCES = "G"
FERMETURE = "fermeture"
NORMAL = "normal"  # a correction back to a normal school day
GENRES = (NORMAL, PETITES_VACANCES, GRANDES_VACANCES, FERIE, FERMETURE)
VACANCES = (PETITES_VACANCES, GRANDES_VACANCES)

ZONES = ("A", "B", "C")
ZONE_DEFAUT = "C"
ETE = "Vacances d'été"

_vacances = None


def _dates_vacances():
    global _vacances
    if _vacances is None:
        _vacances = SchoolHolidayDates()
    return _vacances


def zone_vacances(settings):
    """The town's school-holiday zone (``portail.zone_vacances``: A, B, C)."""
    zone = (settings or {}).get("portail.zone_vacances") or ZONE_DEFAUT
    zone = zone.strip().upper()
    if zone not in ZONES:
        raise ValueError("portail.zone_vacances must be A, B or C, not %r" % zone)
    return zone


@functools.lru_cache(maxsize=4096)
def vacances_scolaires(date, zone):
    """P, G or None for ``date`` in ``zone`` by the national calendar."""
    dates = _dates_vacances()
    try:
        if not dates.is_holiday_for_zone(date, zone):
            return None
    except UnsupportedYearException:
        log.warning("no school holidays known for %s: a correction is needed", date)
        return None
    nom = dates.data[date]["nom_vacances"]
    return genre_vacances(nom)


@functools.cache
def _bornes_connues():
    dates = _dates_vacances()
    return min(dates.data), max(dates.data)


def fin_vacances_connues():
    """The last day the holiday library knows (31/08/2028 in 0.12.0)."""
    return _bornes_connues()[1]


def vacances_connues(debut, fin):
    """Does the holiday library know the school holidays from ``debut`` to
    ``fin`` (a school year)?"""
    premier, dernier = _bornes_connues()
    return premier <= debut and fin <= dernier


def genre_vacances(nom):
    """G for the summer holidays, P for the others."""
    return GRANDES_VACANCES if nom == ETE else PETITES_VACANCES


def periodes_connues(debut, fin, zone):
    """[(name, first day, last day)] of the library's holidays of ``zone``
    from ``debut`` to ``fin`` (clipped to them), in order."""
    dates = _dates_vacances()
    found = []
    for day in sorted(d for d in dates.data if debut <= d <= fin):
        row = dates.data[day]
        if not row[dates.zone_key(zone)]:
            continue
        nom = row["nom_vacances"]
        if found and found[-1][0] == nom and (day - found[-1][2]).days == 1:
            found[-1] = (nom, found[-1][1], day)
        else:
            found.append((nom, day, day))
    return found


@functools.lru_cache(maxsize=4096)
def jour_ferie(date):
    return FERIE if JoursFeries.is_bank_holiday(date) else None


def genres(calendrier, jours, structure=None, zone=None):
    """{date: kind} for the consecutive ``jours``, as ``jour`` gives them,
    reading the calendar once: the corrections of the period in one range
    read, the closures once."""
    if not jours:
        return {}
    if zone is None:
        zone = zone_vacances(get_current_registry().settings)
    oid = get_oid(structure, None) if structure is not None else None
    corrections = calendrier.corrections(jours[0], jours[-1])
    fermetures = [f for f in calendrier.fermetures() if f.debut <= jours[-1] and f.fin >= jours[0]]
    saisies = calendrier.vacances_saisies(jours[0], jours[-1])
    found = {}
    for day in jours:
        correction = corrections.get(day)
        if correction is not None:
            found[day] = None if correction.genre == NORMAL else correction.genre
        elif any(f.couvre(day, oid) for f in fermetures):
            found[day] = FERMETURE
        else:
            found[day] = jour_ferie(day) or _vacances_du_jour(day, zone, saisies)
    return found


def _vacances_du_jour(day, zone, saisies):
    """P, G or None: by the agents' periods of the day's school year when it
    has some (``saisies``: [(AnneeScolaire, [PeriodeVacances])]), else by
    the library."""
    for annee, periodes in saisies:
        if annee.debut <= day <= annee.fin:
            for periode in periodes:
                if periode.debut <= day <= periode.fin:
                    return periode.genre
            return None
    return vacances_scolaires(day, zone)


def jour(calendrier, date, structure=None, zone=None):
    """The kind of ``date``: F, P, G, ``FERMETURE``, or None (a normal day).

    ``structure`` (a Structure) adds its own closures to the town's ones;
    ``zone`` defaults to the ``portail.zone_vacances`` setting."""
    return genres(calendrier, [date], structure, zone)[date]
