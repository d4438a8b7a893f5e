"""Two application processes on one PostgreSQL cluster (started by the test, RelStorage):
invoicing runs and payments numbered across the processes, and the server
restarted under load."""

import pytest

from . import scenarios


@pytest.fixture(scope="module")
def grappe(tmp_path_factory):
    yield from scenarios.sur_relstorage(tmp_path_factory, familles=20)


def test_invoicing_runs_and_payments_share_one_range(grappe):
    scenarios.numerotation(grappe)


def test_postgresql_restarted_under_load(grappe):
    scenarios.redemarrage(grappe)
