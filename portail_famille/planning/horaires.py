"""What the attendance sheet records beside a day's cell: the arrival and
departure times of a prestation billed by the hour (unit "heure", e.g.
"Garderie matin") and the reason of an excused absence.

Kept like the cells (``cells``): one OOBTree per Enfant, keyed
``(prestation_oid, date)``, made on the first pointage, so that a month of
a child is one range read and reading never writes.  A value is a small
tuple ``(arrivee, depart, motif)`` ("HH:MM" or "", text), replaced whole.

Billing by the hour: the duration between arrival and departure, every
quarter hour started being due (``PAS``: 7:32 → 8:40 is 1 h 08 min,
billed 1,25 h), times the hourly tariff, rounded to the cent
(``montants.arrondi``).  A billed day of such a prestation without times
(booked and not pointed, absent facturé) counts one hour, as before times
were recorded.
"""

import re
from decimal import Decimal

from ..util import arbre

ATTRIBUT = "planning_horaires"
HEURE = "heure"  # the unit of a prestation billed by the hour
PAS = 15  # minutes: every quarter hour started is due
UNE = Decimal(1)
MOTIF_MAX = 200  # characters of an excused absence's reason
_HEURE = re.compile(r"([01][0-9]|2[0-3])[:hH]([0-5][0-9])")


def par_heure(prestation):
    """Whether ``prestation`` is billed by the hour (its times recorded)."""
    return getattr(prestation, "unite", None) == HEURE


def lire_heure(texte):
    """'07:30' (or '7h30', what a tablet's time field or a person types)
    -> '07:30'; None when it is no time of day."""
    texte = (texte or "").strip()
    if len(texte) == 4 and texte[1] in ":hH":
        texte = "0" + texte
    match = _HEURE.fullmatch(texte)
    return "%s:%s" % match.groups() if match else None


def _minutes(heure):
    h, m = heure.split(":")
    return int(h) * 60 + int(m)


def duree(arrivee, depart):
    """The hours billed between two "HH:MM" times: every quarter hour
    started is due (Decimal, a multiple of 0.25); None when the departure
    is not after the arrival."""
    minutes = _minutes(depart) - _minutes(arrivee)
    if minutes <= 0:
        return None
    quarts = -(-minutes // PAS)  # ceiling
    return Decimal(quarts * PAS) / Decimal(60)


def releve(enfant, prestation_oid, day):
    """(arrivee, depart, motif) recorded for the day ("" each), or None."""
    tree = arbre(enfant, ATTRIBUT)
    return tree.get((prestation_oid, day)) if tree is not None else None


def noter(enfant, prestation_oid, day, arrivee="", depart="", motif=""):
    """Record the day's times and reason; all empty removes the record.
    Returns whether it changed."""
    valeur = (arrivee or "", depart or "", motif or "")
    avant = releve(enfant, prestation_oid, day)
    if valeur == ("", "", ""):
        if avant is None:
            return False
        del arbre(enfant, ATTRIBUT)[(prestation_oid, day)]
        return True
    if avant == valeur:
        return False
    arbre(enfant, ATTRIBUT, create=True)[(prestation_oid, day)] = valeur
    return True


def quantite(prestation, enfant, prestation_oid, day):
    """The units a billed day of the child counts: one, or for a
    prestation billed by the hour the hours its times give (one hour
    without times)."""
    if not par_heure(prestation):
        return UNE
    found = releve(enfant, prestation_oid, day)
    if found is None or not found[0] or not found[1]:
        return UNE
    return duree(found[0], found[1]) or UNE
