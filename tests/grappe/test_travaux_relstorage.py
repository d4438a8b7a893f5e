"""Workers of long jobs on RelStorage (PostgreSQL): stopped by SIGTERM,
killed with SIGKILL mid-way, taken over; every family exactly one message
(scenario_travaux)."""

import pytest

from .lanceur import Postgres
from .scenario_travaux import tuer_et_reprendre
from .scenarios import RELSTORAGE

pytestmark = pytest.mark.lent  # started first: tests/conftest.py


def test_a_killed_worker_is_taken_over_and_every_family_gets_one_message(tmp_path):
    with Postgres(tmp_path / "pg") as pg:
        tuer_et_reprendre(tmp_path, pg, **RELSTORAGE)
