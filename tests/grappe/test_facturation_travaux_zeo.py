"""The invoicing run's workers on a ZEO server: one killed with SIGKILL
mid-run, taken over; every family exactly one invoice for the period,
with its PDF, the numbers without gap (scenario_facturation)."""

import pytest

from .lanceur import Zeo
from .scenario_facturation import tuer_et_reprendre
from .scenarios import ZEO

pytestmark = pytest.mark.lent  # started first: tests/conftest.py


def test_a_killed_invoicing_worker_is_taken_over_and_every_family_billed_once(tmp_path):
    with Zeo(tmp_path / "zeo") as zeo:
        tuer_et_reprendre(tmp_path, zeo, **ZEO)
