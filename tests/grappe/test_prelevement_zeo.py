"""A direct-debit batch prepared by workers on a ZEO server: one killed
with SIGKILL mid-way, another takes over after the lease; every invoice
exactly once in the file, which is the inline build's
(scenario_prelevement)."""

import pytest

from .lanceur import Zeo
from .scenario_prelevement import tuer_et_reprendre
from .scenarios import ZEO

pytestmark = pytest.mark.lent  # started first: tests/conftest.py


def test_a_killed_worker_is_taken_over_and_every_invoice_is_in_the_file_once(tmp_path):
    with Zeo(tmp_path / "zeo") as zeo:
        tuer_et_reprendre(tmp_path, zeo, **ZEO)
