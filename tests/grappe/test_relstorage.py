"""Two application processes on RelStorage, on a PostgreSQL cluster started
by the test: invoicing runs and payments numbered across the processes,
the SDI's Undo tab (history kept), then PostgreSQL restarted under load.
One test: under pytest-xdist a module's tests may run on two workers, each
starting the whole cluster."""

import pytest

from ..conftest import ADMIN
from . import scenarios

pytestmark = pytest.mark.lent  # started first: tests/conftest.py


@pytest.fixture(scope="module")
def grappe(tmp_path_factory):
    yield from scenarios.sur_relstorage(tmp_path_factory, familles=20)


def test_numbering_undo_then_postgresql_restarted_under_load(grappe):
    scenarios.numerotation(grappe)
    # keep_history=true: the SDI's Undo tab lists the transactions (its
    # template wants a ``size`` that RelStorage's undo records lack)
    admin = scenarios.Navigateur(grappe.applications[0].url).connecter(*ADMIN)
    # a page shows what may be undone among 10 transactions (never an
    # accounting one): the count of a page depends on how the processes'
    # commits interleaved (CI saw 2 on the first page once); its pages hold them
    listees = 0
    for first in range(0, 100, 10):
        status, _headers, text = admin.get("/manage/@@undo?first=%d" % first)
        assert status == 200, text[-2000:]
        listees += text.count('name="transaction"')
    assert listees >= 3
    scenarios.redemarrage(grappe)
