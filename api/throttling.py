"""Rate limits of the API: a fixed window per person, and per address without a token.

Counted in Redis (the ``api`` cache), so every web node and worker shares the count; a
count is one atomic ``INCR``, so two requests at once cannot both take the last one.
When Redis does not answer, requests go through unthrottled and it is logged: the
broker is a speed-up everywhere in this app (README, "What runs where"), and a limit
that takes the API down with it would be worse than none for a minute.
"""

import logging
import math
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import caches
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

if TYPE_CHECKING:  # DRF imports this module while loading its views
    from rest_framework.views import APIView
from oneonones.proxy import client_address

logger = logging.getLogger(__name__)

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"120/minute"`` → (120, 60). The settings check the form at start-up."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period]


class _FixedWindow(BaseThrottle):
    scope = ""
    setting = ""

    def __init__(self) -> None:
        self.retry_after: float | None = None

    def ident(self, request: Request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: Request, view: "APIView") -> bool:
        ident = self.ident(request)
        if ident is None:
            return True
        allowed, period = parse_rate(getattr(settings, self.setting))
        now = time.time()
        window = int(now // period)
        key = f"throttle:{self.scope}:{ident}:{period}:{window}"
        cache = caches["api"]
        try:
            cache.add(key, 0, timeout=period + 1)
            count = cache.incr(key)
        except Exception:  # any failure of the cache: let the request through
            logger.warning("API rate limit not counted: the api cache did not answer")
            return True
        if count <= allowed:
            return True
        self.retry_after = (window + 1) * period - now
        return False

    def wait(self) -> float | None:
        return None if self.retry_after is None else math.ceil(self.retry_after)


class PersonThrottle(_FixedWindow):
    """``API_RATE_LIMIT`` per person, whether by token or by session."""

    scope = "person"
    setting = "API_RATE_LIMIT"

    def ident(self, request: Request) -> str | None:
        user = request.user
        return str(user.pk) if user and user.is_authenticated else None


class AnonymousThrottle(_FixedWindow):
    """``API_ANONYMOUS_RATE_LIMIT`` per client address for requests nobody signed, such
    as guesses at tokens."""

    scope = "anonymous"
    setting = "API_ANONYMOUS_RATE_LIMIT"

    def ident(self, request: Request) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return client_address(request._request) or "unknown"
