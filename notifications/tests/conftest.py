import pytest

from notifications.tests.chat_receiver import start_receiver

SITE = "https://oneonones.example.com"


@pytest.fixture
def receiver(settings):
    """A chat service on 127.0.0.1 (``chat_receiver``), the one extra origin the server
    may post to."""
    service = start_receiver()
    settings.CHAT_WEBHOOK_EXTRA_ORIGINS = [service.origin]
    settings.SITE_URL = SITE
    yield service
    service.release()
    service.server.shutdown()
    service.server.server_close()
