"""A long job's batch is committed, and tried again when it conflicts
(retry.essayer)."""

import pytest
from ZODB.POSException import ConflictError

from portail_famille import retry


class Manager:
    def __init__(self, conflicts):
        self.conflicts = conflicts
        self.commits = self.aborts = 0

    def commit(self):
        if self.conflicts:
            self.conflicts -= 1
            raise ConflictError()
        self.commits += 1

    def abort(self):
        self.aborts += 1


def test_a_batch_that_conflicts_is_done_again(monkeypatch):
    monkeypatch.setattr(retry, "BASE", 0.0001)
    runs = []
    tm = Manager(conflicts=2)
    assert retry.essayer(tm, lambda: runs.append(1) or len(runs)) == 3
    assert (len(runs), tm.aborts, tm.commits) == (3, 2, 1)


def test_after_its_attempts_the_conflict_is_raised(monkeypatch):
    monkeypatch.setattr(retry, "BASE", 0.0001)
    tm = Manager(conflicts=100)
    with pytest.raises(ConflictError):
        retry.essayer(tm, lambda: None, essais=4)
    assert (tm.aborts, tm.commits) == (4, 0)


def test_without_a_manager_it_runs_in_the_callers_transaction():
    assert retry.essayer(None, lambda: "done") == "done"
