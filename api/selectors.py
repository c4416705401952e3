"""Reads of personal access tokens, from the point of view of their owner."""

import hashlib
import hmac

from django.db.models import QuerySet
from django.http import Http404

from api.models import ApiToken
from people.models import User

TOKEN_START = "oo_"  # noqa: S105 (what every token starts with, not a secret)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_of(*, viewer: User) -> QuerySet[ApiToken]:
    """The viewer's tokens, working ones first, newest first."""
    return ApiToken.objects.filter(owner=viewer).order_by("-revoked_at", "-created_at", "-pk")


def get_token_for_user_or_404(*, viewer: User, pk: int) -> ApiToken:
    """One of the viewer's own tokens; anyone else's is the same 404 as none."""
    try:
        return ApiToken.objects.get(owner=viewer, pk=pk)
    except ApiToken.DoesNotExist:
        raise Http404("No such token.") from None


def token_for(*, presented: str) -> ApiToken | None:
    """The working token ``presented`` is (with its active owner), else None.

    Found by its prefix, then its digest compared in constant time."""
    prefix, _, secret = presented.removeprefix(TOKEN_START).partition("_")
    if not presented.startswith(TOKEN_START) or not secret or not prefix.isalnum():
        return None
    token = (
        ApiToken.objects.select_related("owner")
        .filter(prefix=prefix, revoked_at__isnull=True, owner__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.digest, digest_of(presented)):
        return None
    return token
