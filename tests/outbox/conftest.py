import pytest

from leerkring.outbox import services


@pytest.fixture(autouse=True)
def _no_pause_between_tests():
    services.pause_reset()
    yield
    services.pause_reset()
