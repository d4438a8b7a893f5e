"""The queue's newest requests found by walking the date index from its
newest entry (``service.plus_recentes``): the same docids in the same
order as hypatia's sort, whatever the set, ties and missing dates
included."""

import datetime
import random

import BTrees
import pytest
from hypatia.exc import Unsortable
from hypatia.field import FieldIndex

from portail_famille.demandes import service

DEBUT = datetime.datetime(2025, 9, 1, 8, 0, tzinfo=datetime.UTC)
IF = BTrees.family64.IF


def index_de(dates):
    """A field index of {docid: date}."""
    index = FieldIndex(lambda obj, default: obj)
    for docid, date in dates.items():
        index.index_doc(docid, date)
    return index


def hypatia(index, ids, n):
    return list(index.sort(ids, reverse=True, limit=n))


@pytest.mark.parametrize("seed", range(6))
def test_the_same_answer_as_hypatia_sort_ties_included(seed):
    rng = random.Random(seed)
    # 3,000 requests over a few days, many at the same second (ties).
    dates = {
        docid: DEBUT + datetime.timedelta(seconds=rng.randrange(0, 400_000, 7))
        for docid in rng.sample(range(10**6, 10**9), 3000)
    }
    index = index_de(dates)
    docids = list(dates)
    for pending in (120, 800, 2500):
        ids = IF.Set(rng.sample(docids, pending))
        for n in (1, 20, 40, 200, 299):
            assert service.plus_recentes(index, ids, n) == hypatia(index, ids, n)


def test_old_pending_requests_below_many_processed_ones_fall_back_to_the_sort():
    dates = {docid: DEBUT + datetime.timedelta(minutes=docid) for docid in range(1, 5001)}
    index = index_de(dates)
    ids = IF.Set(range(1, 151))  # the 150 oldest: the walk gives up after 75 dates
    assert service.plus_recentes(index, ids, 20) == list(range(150, 130, -1))
    assert service.plus_recentes(index, ids, 20) == hypatia(index, ids, 20)


def test_small_sets_and_deep_pages_are_hypatia_s():
    dates = {docid: DEBUT + datetime.timedelta(seconds=docid // 3) for docid in range(1, 2001)}
    index = index_de(dates)
    ids = IF.Set(range(1, 2001, 2))
    # 300 or more: hypatia sorts them otherwise (equal dates by increasing docid).
    assert service.plus_recentes(index, ids, 400) == hypatia(index, ids, 400)
    few = IF.Set([5, 9, 1000])
    assert service.plus_recentes(index, few, 20) == [1000, 9, 5]


def test_docids_without_a_date_are_hypatia_s_error():
    dates = {docid: DEBUT + datetime.timedelta(hours=docid) for docid in range(1, 201)}
    index = index_de(dates)
    ids = IF.Set(list(range(1, 121)) + [10_000])  # 10,000: not in the index
    # Enough dated ones: the undated one is last, out of the first 20.
    assert service.plus_recentes(index, ids, 20) == list(range(120, 100, -1))
    with pytest.raises(Unsortable):
        service.plus_recentes(index, ids, 121)


def test_an_index_of_days_is_sorted_by_hypatia():
    """A key that is not a datetime (a day: one microsecond earlier is the
    same day) is not walked: the same answer, no docid twice."""
    jours = {docid: datetime.date(2025, 9, 1 + docid % 20) for docid in range(1, 401)}
    index = index_de(jours)
    ids = IF.Set(range(1, 401, 3))
    found = service.plus_recentes(index, ids, 20)
    assert found == hypatia(index, ids, 20) and len(set(found)) == 20
