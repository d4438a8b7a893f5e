"""The rules of a day of a prestation: is it open, and until when may a
parent book it or declare an absence (in the town's time, Europe/Paris)."""

import datetime

from ..calendrier.jours import FERIE, FERMETURE, VACANCES, jour, jour_ferie
from ..dates import PARIS
from ..structures.schemas import PERIODE_SCOLAIRE, PERIODE_VACANCES


def jours_ouverts(prestation, genres):
    """The days of ``genres`` ({date: kind, as calendrier.jours gives it})
    ``prestation`` opens: its weekdays, its periods (school time, holidays;
    none named means both), no public holiday or closure."""
    periodes = prestation.periodes
    en_vacances = not periodes or PERIODE_VACANCES in periodes
    en_periode_scolaire = not periodes or PERIODE_SCOLAIRE in periodes
    semaine = {}  # weekday -> open (asked once per weekday)
    found = set()
    for day, genre in genres.items():
        if genre in (FERIE, FERMETURE):
            continue
        if not (en_vacances if genre in VACANCES else en_periode_scolaire):
            continue
        weekday = day.weekday()
        if weekday not in semaine:
            semaine[weekday] = prestation.ouvert_le(day)
        if semaine[weekday]:
            found.add(day)
    return found


def ouvre(prestation, day, genre):
    """Does ``prestation`` open on ``day``, whose kind is ``genre``?"""
    return day in jours_ouverts(prestation, {day: genre})


def ouvre_le(calendrier, prestation, day, zone):
    return ouvre(prestation, day, jour(calendrier, day, prestation.structure, zone))


def jour_ouvre(day):
    """A working day: Monday to Friday, not a public holiday."""
    return day.weekday() < 5 and jour_ferie(day) is None


def jours_ouvres_avant(day, n):
    """The date ``n`` working days before ``day`` (``day`` itself when 0)."""
    found = day
    while n > 0:
        found -= datetime.timedelta(days=1)
        if jour_ouvre(found):
            n -= 1
    return found


def limite(day, jours, heure):
    """The aware datetime (Europe/Paris) until which ``day`` may be changed:
    ``jours`` working days before, at ``heure`` ("10:00")."""
    hours, minutes = (int(part) for part in heure.split(":"))
    date = jours_ouvres_avant(day, jours)
    return datetime.datetime.combine(date, datetime.time(hours, minutes), tzinfo=PARIS)


def limite_reservation(prestation, day):
    return limite(day, prestation.delai_reservation_jours, prestation.delai_reservation_heure)


def limite_absence(prestation, day):
    return limite(day, prestation.delai_absence_jours, prestation.delai_absence_heure)
