"""The hours a pointed day bills: every quarter hour started is due."""

import datetime
from decimal import Decimal

import pytest

from portail_famille.montants import arrondi
from portail_famille.planning import horaires


@pytest.mark.parametrize(
    ("arrivee", "depart", "heures"),
    [
        ("07:30", "08:30", "1"),  # one hour exactly
        ("07:30", "07:31", "0.25"),  # one minute: a quarter hour started
        ("07:30", "07:45", "0.25"),  # a quarter hour exactly
        ("07:30", "07:46", "0.5"),
        ("07:32", "08:40", "1.25"),  # 1 h 08
        ("07:00", "08:59", "2"),
        ("00:00", "23:59", "24"),
    ],
)
def test_duration_is_rounded_up_to_the_quarter_hour(arrivee, depart, heures):
    found = horaires.duree(arrivee, depart)
    assert found == Decimal(heures)
    assert isinstance(found, Decimal)


@pytest.mark.parametrize(("arrivee", "depart"), [("08:00", "08:00"), ("08:30", "07:30")])
def test_no_duration_when_the_departure_is_not_after_the_arrival(arrivee, depart):
    assert horaires.duree(arrivee, depart) is None


def test_amount_is_hours_times_the_hourly_tariff_to_the_cent():
    # 1 h 08 at 2,20 €/h: 1,25 h billed, 2,75 €; 0,25 h at 1,65 €: 0,4125 -> 0,41
    assert arrondi(horaires.duree("07:32", "08:40") * Decimal("2.20")) == Decimal("2.75")
    assert arrondi(horaires.duree("07:30", "07:40") * Decimal("1.65")) == Decimal("0.41")
    assert arrondi(horaires.duree("07:30", "07:50") * Decimal("1.10")) == Decimal("0.55")


@pytest.mark.parametrize(
    ("texte", "heure"),
    [
        ("07:30", "07:30"),
        ("7:30", "07:30"),
        ("7h30", "07:30"),
        (" 18H05 ", "18:05"),
        ("23:59", "23:59"),
        ("24:00", None),
        ("07:60", None),
        ("0730", None),
        ("٠٧:٣٠", None),  # Arabic-Indic digits are no time here
        ("07:30:00", None),
        ("", None),
        (None, None),
    ],
)
def test_lire_heure(texte, heure):
    assert horaires.lire_heure(texte) == heure


class Prestation:
    def __init__(self, unite):
        self.unite = unite


class Enfant:
    pass


def test_quantity_of_a_day():
    day = datetime.date(2026, 12, 1)
    enfant = Enfant()
    garderie, cantine = Prestation(horaires.HEURE), Prestation("repas")
    # nothing recorded: one unit (one hour for the garderie)
    assert horaires.quantite(garderie, enfant, 1, day) == 1
    assert horaires.noter(enfant, 1, day, "07:32", "", "") is True
    assert horaires.quantite(garderie, enfant, 1, day) == 1  # no departure yet
    assert horaires.noter(enfant, 1, day, "07:32", "08:40", "") is True
    assert horaires.noter(enfant, 1, day, "07:32", "08:40", "") is False  # unchanged
    assert horaires.quantite(garderie, enfant, 1, day) == Decimal("1.25")
    assert horaires.quantite(cantine, enfant, 1, day) == 1  # not billed by the hour
    assert horaires.releve(enfant, 1, day) == ("07:32", "08:40", "")
    assert horaires.noter(enfant, 1, day) is True  # all empty: removed
    assert horaires.releve(enfant, 1, day) is None
    assert horaires.noter(enfant, 1, day) is False
