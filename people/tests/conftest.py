import pytest

from people.sso import forget_provider_configuration
from people.tests import oidc


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """A real OpenID Connect provider process on localhost, for the whole session."""
    provider = oidc.start_provider(tmp_path_factory.mktemp("oidc_provider"))
    yield provider
    oidc.stop_provider(provider)


@pytest.fixture
def sso(db, settings, oidc_provider):
    """Single sign-on configured against the test provider."""
    settings.SSO_ISSUER = oidc_provider.issuer
    settings.SSO_CLIENT_ID = oidc.CLIENT_ID
    settings.SSO_CLIENT_SECRET = oidc.CLIENT_SECRET
    settings.SSO_PROVIDER_NAME = oidc.PROVIDER_NAME
    settings.SSO_ALLOWED_EMAIL_DOMAINS = ["example.org"]
    forget_provider_configuration()
    yield oidc_provider
    forget_provider_configuration()
