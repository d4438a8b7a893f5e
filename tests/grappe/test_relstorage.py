"""Two application processes on one PostgreSQL cluster (started by the test, RelStorage):
invoicing runs and payments numbered across the processes, and the server
restarted under load."""

import pytest

from ..conftest import ADMIN
from . import scenarios


@pytest.fixture(scope="module")
def grappe(tmp_path_factory):
    yield from scenarios.sur_relstorage(tmp_path_factory, familles=20)


def test_invoicing_runs_and_payments_share_one_range(grappe):
    scenarios.numerotation(grappe)


def test_postgresql_restarted_under_load(grappe):
    scenarios.redemarrage(grappe)


def test_the_sdi_undo_tab_lists_the_history(grappe):
    """keep_history=true: the SDI's Undo tab lists the transactions (its
    template wants a ``size`` that RelStorage's undo records lack)."""
    admin = scenarios.Navigateur(grappe.applications[0].url).connecter(*ADMIN)
    status, _headers, text = admin.get("/manage/@@undo")
    assert status == 200, text[-2000:]
    assert text.count('name="transaction"') >= 3
