"""Three long jobs of the régies run by workers on a ZEO server, each
worker killed with SIGKILL mid-way and its job taken over after the lease
(scenario_prelevement): a direct-debit batch's preparation (every invoice
exactly once in the file, which is the inline build's), the same batch
marked "effectué" (every invoice paid once, its receipt frozen, the
payments numbered without gap) and a PES file (every invoice once in the
file, which is the inline build's, marked sent once)."""

import pytest

from .lanceur import Zeo
from .scenario_prelevement import tuer_et_reprendre
from .scenarios import ZEO

pytestmark = pytest.mark.lent  # started first: tests/conftest.py


def test_killed_workers_are_taken_over_and_nothing_is_done_twice(tmp_path):
    with Zeo(tmp_path / "zeo") as zeo:
        tuer_et_reprendre(tmp_path, zeo, **ZEO)
