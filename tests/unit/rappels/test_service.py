"""The due-reminder computation's pure parts: next week, its period, and
whether a canteen week nobody booked is still bookable (and until when)."""

import datetime

from portail_famille.dates import PARIS
from portail_famille.planning import cells, regles
from portail_famille.rappels.service import cantine_libre, lundi_suivant, semaine

D = datetime.date


def paris(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


def test_next_week():
    assert lundi_suivant(D(2026, 12, 7)) == D(2026, 12, 14)  # a Monday
    assert lundi_suivant(D(2026, 12, 13)) == D(2026, 12, 14)  # a Sunday
    assert lundi_suivant(D(2026, 12, 31)) == D(2027, 1, 4)
    assert semaine(D(2027, 1, 4)) == "2027-W01"
    assert semaine(D(2026, 12, 28)) == "2026-W53"


SEMAINE = [D(2026, 12, 14), D(2026, 12, 15), D(2026, 12, 17), D(2026, 12, 18)]


def limite(day):
    """The demo canteen's rule: 2 working days before, 10:00."""
    return regles.limite(day, 2, "10:00")


def test_a_week_nobody_booked_closes_at_the_first_days_deadline():
    # Monday 14 December: bookable until Thursday 10 December, 10:00
    assert cantine_libre(SEMAINE, {}, limite, paris(2026, 12, 9, 8)) == paris(2026, 12, 10, 10)
    # that passed: the Tuesday's (Friday 11, 10:00)
    assert cantine_libre(SEMAINE, {}, limite, paris(2026, 12, 10, 10)) == paris(2026, 12, 11, 10)
    # every deadline passed: nothing to remind
    assert cantine_libre(SEMAINE, {}, limite, paris(2026, 12, 16, 10)) is None


def test_a_week_with_a_cell_is_not_reminded():
    maintenant = paris(2026, 12, 9, 8)
    for etat in (cells.RESERVE, cells.ATTENTE, cells.RESERVATION_TRAITEMENT, cells.ABSENT_EXCUSE):
        assert cantine_libre(SEMAINE, {SEMAINE[2]: etat}, limite, maintenant) is None
    # a closure of the service is not the family's booking
    fermee = {SEMAINE[0]: cells.FERMETURE}
    assert cantine_libre(SEMAINE, fermee, limite, maintenant) == paris(2026, 12, 10, 10)
    # no open day (holidays): nothing
    assert cantine_libre([], {}, limite, maintenant) is None


def test_public_holidays_move_the_deadline():
    # Monday 4 January 2027: 2 working days before = Wednesday 30 December
    # (Friday 1 January is a public holiday)
    assert cantine_libre([D(2027, 1, 4)], {}, limite, paris(2026, 12, 28, 9)) == paris(
        2026, 12, 30, 10
    )
