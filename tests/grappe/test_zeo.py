"""Two application processes on one ZEO server (started by the test):
invoicing runs and payments numbered across the processes, then the server
restarted under load.  One test: under pytest-xdist a module's tests may
run on two workers, each starting the whole cluster."""

import pytest

from . import scenarios

pytestmark = pytest.mark.lent  # started first: tests/conftest.py


@pytest.fixture(scope="module")
def grappe(tmp_path_factory):
    yield from scenarios.sur_zeo(tmp_path_factory, familles=20)


def test_numbering_across_processes_then_the_server_restarted_under_load(grappe):
    scenarios.numerotation(grappe)
    scenarios.redemarrage(grappe)
