"""Two application processes on one PostgreSQL cluster (started by the test, RelStorage): 500
children's requests at the same moment for the last 20 places of a day."""

import pytest

from . import scenarios

pytestmark = pytest.mark.lent  # started first: tests/conftest.py


@pytest.fixture(scope="module")
def grappe(tmp_path_factory):
    yield from scenarios.sur_relstorage(tmp_path_factory, familles=100, fils=2)


def test_500_children_for_20_places(grappe):
    scenarios.course_aux_places(grappe)
