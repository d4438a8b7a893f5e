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
