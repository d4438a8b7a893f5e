"""The day counter's conflict resolution: concurrent bookings add up while
the capacity holds; the one that would exceed it conflicts (and is retried)."""

import pytest
from ZODB.POSException import ConflictError

from portail_famille.planning.places import Places


def state(pris, limite):
    return {"pris": pris, "limite": limite}


def test_concurrent_bookings_merge_while_places_are_left():
    counter = Places()
    resolved = counter._p_resolveConflict(state(3, 5), state(4, 5), state(4, 5))
    assert resolved["pris"] == 5


def test_the_booking_beyond_the_capacity_conflicts():
    counter = Places()
    with pytest.raises(ConflictError):
        counter._p_resolveConflict(state(4, 5), state(5, 5), state(5, 5))


def test_places_given_back_always_merge():
    counter = Places()
    assert counter._p_resolveConflict(state(5, 5), state(4, None), state(4, None))["pris"] == 3
    # A booking and a cancellation at once: 5 - 1 + 1.
    assert counter._p_resolveConflict(state(5, 5), state(4, None), state(6, 5))["pris"] == 5


def test_an_agent_change_is_not_bound_by_the_capacity():
    counter = Places()
    assert counter._p_resolveConflict(state(5, 5), state(6, None), state(6, None))["pris"] == 7


def test_the_places_taken_of_a_month_in_one_range_read():
    import datetime

    from portail_famille.planning import places

    class Prestation:
        capacite = 3

    prestation = Prestation()
    day = datetime.date(2026, 12, 9)
    assert places.pris_entre(prestation, day, day) == {}  # no counter yet
    for when in (datetime.date(2026, 11, 30), day, day, datetime.date(2027, 1, 1)):
        assert places.prendre(prestation, when)
    found = places.pris_entre(prestation, datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    assert found == {day: 2}
