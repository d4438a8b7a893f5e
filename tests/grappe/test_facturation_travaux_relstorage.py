"""The invoicing run's workers on RelStorage (PostgreSQL): one killed with
SIGKILL mid-run, taken over; every family exactly one invoice for the
period, with its PDF, the numbers without gap (scenario_facturation)."""

import pytest

from .lanceur import Postgres
from .scenario_facturation import tuer_et_reprendre
from .scenarios import RELSTORAGE

pytestmark = pytest.mark.lent  # started first: tests/conftest.py


def test_a_killed_invoicing_worker_is_taken_over_and_every_family_billed_once(tmp_path):
    with Postgres(tmp_path / "pg") as pg:
        tuer_et_reprendre(tmp_path, pg, **RELSTORAGE)
