"""Writes of personal access tokens: made by their owner, shown once, revoked by them."""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from api.models import ApiToken
from api.selectors import TOKEN_START, digest_of
from oneonones.errors import NotFound, ServiceError
from people.models import User

# How stale "last used" may be: one write a minute per token at most, not one per request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
# More would only be forgotten; each one is a way in.
MAX_ACTIVE_TOKENS = 20


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token, to show once; never stored


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ServiceError("Say what the token is for, e.g. “My calendar script”.", field="name")
    if "\x00" in name:
        raise ServiceError("The name cannot contain a NUL character.", field="name")
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ServiceError("Keep the name to 100 characters.", field="name")
    return name


@transaction.atomic
def token_create(*, owner: User, name: str, scope: str) -> NewToken:
    """A new token for ``owner``. The returned secret is the only copy there will be."""
    name = _clean_name(name)
    if scope not in ApiToken.Scope.values:
        raise ServiceError("Choose read only, or read and write.", field="scope")
    User.objects.select_for_update().filter(pk=owner.pk).first()  # one count at a time
    if ApiToken.objects.filter(owner=owner, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ServiceError(
            f"You already have {MAX_ACTIVE_TOKENS} tokens: revoke one you no longer use first."
        )
    prefix = secrets.token_hex(6)
    secret = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        owner=owner,
        name=name,
        prefix=prefix,
        digest=digest_of(secret),
        scope=scope,
        created_at=timezone.now(),
    )
    return NewToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke ``token`` now: the next request with it is refused. Revoking twice is fine."""
    if token.owner_id != by.pk:
        raise NotFound()
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def token_used(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Note that ``token`` was used: a conditional update, so a busy script costs one
    write a minute, and two requests at once do not fight over the row."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gt=now - LAST_USED_PRECISION).update(
        last_used_at=now
    )
    token.last_used_at = now
