import pytest

from leerkring.outbox import services

from .smtp import FaultySMTPServer


@pytest.fixture(autouse=True)
def _no_pause_between_tests():
    services.pause_reset()
    yield
    services.pause_reset()


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 and the settings that send to it."""
    server = FaultySMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_PAUSE_BASE_SECONDS = 5
    yield server
    server.stop()
