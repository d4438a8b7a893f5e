"""The planning rights of a shared child's households (familles.partage):
every week, even or odd ISO weeks, alternate weeks from a starting week
(across a 53-week year), and the first household's complement."""

import datetime

import pytest

from portail_famille.familles import partage
from portail_famille.familles.partage import (
    ALTERNEE,
    IMPAIRES,
    PAIRES,
    TOUTES,
    Garde,
    complement,
    semaine_autorisee,
)

# Monday 7 December 2026 is in ISO week 50 (even); Sunday 13 is its last day.
LUNDI_50 = datetime.date(2026, 12, 7)
DIMANCHE_50 = datetime.date(2026, 12, 13)
LUNDI_51 = datetime.date(2026, 12, 14)


def test_every_week():
    assert all(
        semaine_autorisee(TOUTES, None, LUNDI_50 + datetime.timedelta(days=n)) for n in range(21)
    )


@pytest.mark.parametrize("day", [LUNDI_50, DIMANCHE_50])
def test_even_and_odd_iso_weeks(day):
    assert semaine_autorisee(PAIRES, None, day)
    assert not semaine_autorisee(IMPAIRES, None, day)
    assert not semaine_autorisee(PAIRES, None, LUNDI_51)
    assert semaine_autorisee(IMPAIRES, None, LUNDI_51)


def test_alternate_weeks_from_a_starting_week_across_a_53_week_year():
    # 2026 has 53 ISO weeks: week 53 (28/12/2026) and week 1 of 2027
    # (04/01/2027) are both odd, so even/odd weeks give two odd weeks in a
    # row; "from a starting week" keeps alternating.
    assert datetime.date(2026, 12, 28).isocalendar().week == 53
    garde = Garde(ALTERNEE, datetime.date(2026, 12, 30))  # any day of the week
    assert garde.depuis == datetime.date(2026, 12, 28)
    semaines = [datetime.date(2026, 12, 28) + datetime.timedelta(weeks=n) for n in range(4)]
    assert [semaine_autorisee(ALTERNEE, garde.depuis, d) for d in semaines] == [
        True,
        False,
        True,
        False,
    ]
    assert [semaine_autorisee(IMPAIRES, None, d) for d in semaines] == [True, True, False, True]
    # Before the starting week too: the same rhythm.
    assert semaine_autorisee(ALTERNEE, garde.depuis, datetime.date(2026, 12, 14))
    assert not semaine_autorisee(ALTERNEE, garde.depuis, datetime.date(2026, 12, 27))


def test_the_first_household_gets_the_other_weeks():
    assert complement(Garde(PAIRES)).mode == IMPAIRES
    assert complement(Garde(IMPAIRES)).mode == PAIRES
    assert complement(Garde(TOUTES)).mode == TOUTES
    autre = complement(Garde(ALTERNEE, LUNDI_50))
    assert (autre.mode, autre.depuis) == (ALTERNEE, LUNDI_51)
    for n in range(10):
        day = LUNDI_50 + datetime.timedelta(days=3 * n)
        assert semaine_autorisee(ALTERNEE, LUNDI_50, day) != semaine_autorisee(
            ALTERNEE, autre.depuis, day
        )


def test_a_setting_is_checked():
    with pytest.raises(ValueError):
        Garde("parfois")
    with pytest.raises(ValueError):
        Garde(ALTERNEE)
    assert partage.lundi(DIMANCHE_50) == LUNDI_50
