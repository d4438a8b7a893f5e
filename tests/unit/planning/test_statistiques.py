"""The CAF's age bands and a prestation's hours (planning.statistiques)."""

import datetime
from decimal import Decimal

import pytest

from portail_famille.planning import statistiques as stats
from portail_famille.structures.resources import Prestation


class Enfant:
    def __init__(self, naissance):
        self.date_naissance = naissance


@pytest.mark.parametrize(
    ("jour", "attendu"),
    [
        (datetime.date(2026, 3, 9), stats.MOINS_DE_6),  # the day before his 6th birthday
        (datetime.date(2026, 3, 10), stats.SIX_ET_PLUS),  # his birthday
        (datetime.date(2031, 1, 1), stats.SIX_ET_PLUS),
        (datetime.date(2021, 1, 1), stats.MOINS_DE_6),
    ],
)
def test_age_band_on_the_day(jour, attendu):
    assert stats.tranche(Enfant(datetime.date(2020, 3, 10)), jour) == attendu


def test_no_birth_date_has_its_own_band():
    assert stats.tranche(Enfant(None), datetime.date(2026, 3, 10)) == stats.AGE_INCONNU


def test_a_leap_day_birthday_turns_6_on_march_1st():
    enfant = Enfant(datetime.date(2020, 2, 29))
    assert stats.tranche(enfant, datetime.date(2026, 2, 28)) == stats.MOINS_DE_6
    assert stats.tranche(enfant, datetime.date(2026, 3, 1)) == stats.SIX_ET_PLUS


@pytest.mark.parametrize(
    ("unite", "heures"),
    [("journee", 8), ("demi-journee", 4), ("repas", 2), ("heure", 1)],
)
def test_hours_by_unit_unless_the_service_set_them(unite, heures):
    prestation = Prestation(unite=unite)
    jour = datetime.date(2026, 3, 10)
    assert stats.heures(prestation, Enfant(None), jour) == Decimal(heures)
    prestation.duree = Decimal("3.5")
    assert stats.heures(prestation, Enfant(None), jour) == Decimal("3.5")


def test_month_bounds():
    assert stats.fin_de_mois(datetime.date(2028, 2, 1)) == datetime.date(2028, 2, 29)
    assert stats.mois_suivant(datetime.date(2026, 12, 1)) == datetime.date(2027, 1, 1)
