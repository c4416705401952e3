import pytest

from reports.tests import scenario


@pytest.fixture
def s(db):
    """The hand-built organisation whose every report figure is known (scenario.py)."""
    return scenario.build()
