"""Single sign-on with OpenID Connect, through mozilla-django-oidc.

The library runs the protocol: the state, nonce and PKCE verifier kept in the session,
the code exchanged for tokens at the provider, the ID token's signature and expiry
checked against the provider's published keys. This module adds what it leaves to us:

- the provider's endpoints, from its discovery document (``SSO_ISSUER``), fetched when
  someone first signs in and kept for an hour, so a provider that is down cannot stop
  the app from starting;
- the ID token's issuer and audience, which the library does not check;
- who may come in: a verified email address, of an allowed domain, of a person who
  already exists here (or is created, if ``SSO_CREATE_PEOPLE`` allows) and is active.

Accounts are linked by email address alone, looked up again at every sign-in.

A refusal is a :class:`SignInRefused` carrying a message for the person. It is not a
``PermissionDenied`` on purpose: for that, Django reports a failed sign-in, and
django-axes would count it towards locking out password sign-ins from the address.
"""

import logging
import time

import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from people.models import User
from people.services import person_create_for_sign_in

logger = logging.getLogger(__name__)

# Google, Microsoft Entra ID and Okta all sign ID tokens with RS256. The library's own
# default, HS256, would sign them with the client secret.
SIGNING_ALGORITHM = "RS256"
DISCOVERY_MAX_AGE_SECONDS = 60 * 60
# The values an email-verified claim may carry for "yes". Booleans are the standard;
# some providers send strings.
VERIFIED_VALUES = (True, "true", "1")

_discovered: dict[str, tuple[float, dict]] = {}


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be fetched or does not fit."""


class SignInNotFinished(Exception):
    """The provider answered with an error (``error`` in the callback), or this browser's
    session holds no sign-in to finish."""


class SignInRefused(Exception):
    """The provider vouched for someone who may not come in; ``message`` tells them why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def sso_enabled() -> bool:
    return bool(settings.SSO_ISSUER and settings.SSO_CLIENT_ID)


def sso_button_label() -> str:
    return f"Sign in with {settings.SSO_PROVIDER_NAME}"


def forget_provider_configuration() -> None:
    _discovered.clear()


def provider_configuration() -> dict:
    """The provider's discovery document, fetched at most once an hour per process."""
    issuer = settings.SSO_ISSUER.rstrip("/")
    fetched = _discovered.get(issuer)
    if fetched and time.monotonic() - fetched[0] < DISCOVERY_MAX_AGE_SECONDS:
        return fetched[1]
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.SSO_TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url} did not answer with a discovery document") from error
    if not isinstance(document, dict) or str(document.get("issuer", "")).rstrip("/") != issuer:
        # OpenID Connect Discovery 1.0, section 4.3: the issuer must be the one asked for.
        raise ProviderUnavailable(f"{url} names another issuer than {issuer}")
    missing = [
        key
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        if not document.get(key)
    ]
    if missing:
        raise ProviderUnavailable(f"{url} has no {', '.join(missing)}")
    _discovered[issuer] = (time.monotonic(), document)
    return document


def library_setting(name: str, *default):
    """What mozilla-django-oidc reads as settings, from the SSO_* settings and discovery.

    The library's own OIDC_* names are not set in settings.py: this keeps one way to
    configure single sign-on, and the endpoints lazy.
    """
    from_discovery = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
        "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
        "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
        "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    }
    if name in from_discovery:
        return provider_configuration().get(from_discovery[name])
    ours = {
        "OIDC_RP_CLIENT_ID": settings.SSO_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": settings.SSO_CLIENT_SECRET,
        "OIDC_RP_SCOPES": settings.SSO_SCOPES,
        "OIDC_RP_SIGN_ALGO": SIGNING_ALGORITHM,
        "OIDC_RP_IDP_SIGN_KEY": None,
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_CREATE_USER": settings.SSO_CREATE_PEOPLE,
        "OIDC_TIMEOUT": settings.SSO_TIMEOUT_SECONDS,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "sso_callback",
    }
    if name in ours:
        return ours[name]
    return import_from_settings(name, *default)


def untrusted_answer(reason: str) -> SignInRefused:
    """A refusal for an answer from the provider that does not check out.

    Not a SuspiciousOperation: the library turns that, raised from a backend's user
    lookup, into a failed sign-in that django-axes would count.
    """
    logger.warning("Single sign-on refused: %s", reason)
    return SignInRefused(
        f"The answer from {settings.SSO_PROVIDER_NAME} did not check out, so you are not "
        "signed in. Try again; if it happens again, tell your administrator."
    )


def check_id_token(payload: dict) -> None:
    """The ID token is for us and from our provider (OpenID Connect Core 3.1.3.7)."""
    issuer = provider_configuration()["issuer"]
    # Google documents its ID tokens' issuer as either form.
    if payload.get("iss") not in (issuer, issuer.removeprefix("https://")):
        raise untrusted_answer(f"the ID token comes from {payload.get('iss')!r}, not {issuer!r}")
    audience = payload.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    if settings.SSO_CLIENT_ID not in audiences:
        raise untrusted_answer(f"the ID token is meant for {audiences!r}")
    if len(audiences) > 1 and payload.get("azp") != settings.SSO_CLIENT_ID:
        raise untrusted_answer(f"the ID token was issued to {payload.get('azp')!r}")
    if "exp" not in payload:
        raise untrusted_answer("the ID token has no expiry")


def email_from_claims(claims: dict) -> str:
    """The verified address, of an allowed domain, that the provider vouches for."""
    provider = settings.SSO_PROVIDER_NAME
    email = str(claims.get("email") or "").strip().lower()
    if "@" not in email:
        raise SignInRefused(
            f"{provider} did not tell us your email address, so we cannot tell who you are. "
            "Ask your administrator to let this app read it (the “email” scope)."
        )
    verified = claims.get(settings.SSO_EMAIL_VERIFIED_CLAIM)
    if isinstance(verified, str):
        verified = verified.strip().lower()
    if verified not in VERIFIED_VALUES:
        raise SignInRefused(
            f"{provider} does not say that {email} is verified, so it cannot be used to "
            f"sign in here. Verify the address with {provider}, or ask your administrator."
        )
    domain = email.rpartition("@")[2]
    allowed = settings.SSO_ALLOWED_EMAIL_DOMAINS
    if allowed and domain not in allowed:
        raise SignInRefused(
            f"{email} is not an address this organisation signs in with. "
            f"Sign in to {provider} with your work account (an address at "
            f"{' or '.join(allowed)})."
        )
    return email


def full_name_from_claims(claims: dict, *, email: str) -> str:
    name = str(claims.get("name") or "").strip()
    if not name:
        parts = (claims.get("given_name"), claims.get("family_name"))
        name = " ".join(str(part).strip() for part in parts if part).strip()
    return name or email.partition("@")[0]


def person_for_sign_in(claims: dict) -> User:
    """The active person the claims vouch for, created if allowed; else SignInRefused."""
    email = email_from_claims(claims)
    person = User.objects.filter(email__iexact=email).first()
    if person is None:
        if not settings.SSO_CREATE_PEOPLE:
            raise SignInRefused(
                f"There is no one with the address {email} here. "
                "Ask HR or an administrator to add you, then sign in again."
            )
        person = person_create_for_sign_in(
            email=email, full_name=full_name_from_claims(claims, email=email)
        )
        logger.info("Single sign-on created the person %s.", person.pk)
    if not person.is_active:
        raise SignInRefused(
            f"The account for {email} is switched off. "
            "Ask HR or an administrator if you think this is a mistake."
        )
    return person


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """Signs in the person a provider vouches for; see the module's docstring."""

    get_settings = staticmethod(library_setting)

    def __init__(self, *args, **kwargs):
        # Not the library's __init__: it reads the provider's endpoints, and Django builds
        # this backend for every sign-in and for every request of someone signed in by it.
        self.UserModel = User

    OIDC_RP_SIGN_ALGO = SIGNING_ALGORITHM
    OIDC_RP_IDP_SIGN_KEY = None
    OIDC_RP_CLIENT_ID = property(lambda self: library_setting("OIDC_RP_CLIENT_ID"))
    OIDC_RP_CLIENT_SECRET = property(lambda self: library_setting("OIDC_RP_CLIENT_SECRET"))
    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: library_setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: library_setting("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: library_setting("OIDC_OP_USER_ENDPOINT"))

    def authenticate(self, request, nonce=None, code_verifier=None):
        # No username or password in the signature: Django then never asks this backend
        # about a password sign-in. Only the callback view passes a nonce.
        if request is None or nonce is None or not sso_enabled():
            return None
        return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)

    def get_or_create_user(self, access_token, id_token, payload):
        check_id_token(payload)
        claims = self.get_userinfo(access_token, id_token, payload)
        return person_for_sign_in(claims)

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, completed by the userinfo endpoint when there is one.

        Entra ID puts its ``xms_edov`` claim in the ID token only; Google and Okta give
        ``email_verified`` in both.
        """
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            # OpenID Connect Core 5.3.2: userinfo about someone else must not be used.
            if userinfo.get("sub") != payload.get("sub"):
                raise untrusted_answer("the userinfo is about another subject")
            claims.update(userinfo)
        return claims

    def get_user(self, user_id):
        # The library's own skips the is_active check: someone switched off after signing
        # in would stay signed in.
        return ModelBackend.get_user(self, user_id)


class SignOnStartView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(library_setting)


class SignOnCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(library_setting)

    def login_failure(self):
        # The library redirects without saying why; people.views.sso_callback says it.
        raise SignInNotFinished(self.request.GET.get("error", ""))
