"""Start-up checks of the sign-in settings: a mistake here would lock everyone out."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def check_sign_in_settings(app_configs, **kwargs):
    errors = []
    sso_parts = {
        "SSO_ISSUER": settings.SSO_ISSUER,
        "SSO_CLIENT_ID": settings.SSO_CLIENT_ID,
        "SSO_CLIENT_SECRET": settings.SSO_CLIENT_SECRET,
    }
    missing = [name for name, value in sso_parts.items() if not value]
    if missing and len(missing) < len(sso_parts):
        errors.append(
            Error(
                f"Single sign-on is half configured: {', '.join(missing)} is empty.",
                hint="Set SSO_ISSUER, SSO_CLIENT_ID and SSO_CLIENT_SECRET, or none of them.",
                id="people.E001",
            )
        )
    if not settings.PASSWORD_LOGIN and missing:
        errors.append(
            Error(
                "PASSWORD_LOGIN=0 without single sign-on: nobody could sign in.",
                hint="Configure single sign-on (SSO_ISSUER, SSO_CLIENT_ID, SSO_CLIENT_SECRET) "
                "or leave PASSWORD_LOGIN on.",
                id="people.E002",
            )
        )
    if settings.SSO_CREATE_PEOPLE and not settings.SSO_ALLOWED_EMAIL_DOMAINS:
        errors.append(
            Error(
                "SSO_CREATE_PEOPLE=1 without SSO_ALLOWED_EMAIL_DOMAINS would let anyone the "
                "provider knows create an account.",
                hint="Set SSO_ALLOWED_EMAIL_DOMAINS to your organisation's domains.",
                id="people.E003",
            )
        )
    return errors
