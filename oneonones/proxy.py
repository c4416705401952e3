"""The client's address, as far as it can be trusted.

Behind a load balancer every request comes from the balancer's address, so a lockout
keyed on REMOTE_ADDR would lock an account for everyone. Each proxy appends the
address it received the request from to X-Forwarded-For; everything to the left of
what our own proxies appended was written by the client and may be invented. With
``PROXY_COUNT`` proxies in front of the app, the client is therefore the
``PROXY_COUNT``-th entry from the right, and nothing further left is ever read.

Not behind a proxy (``BEHIND_PROXY`` off) the header is ignored altogether.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The address django-axes locks out (``AXES_CLIENT_IP_CALLABLE``)."""
    remote = request.META.get("REMOTE_ADDR")
    if not settings.BEHIND_PROXY:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in header.split(",")] if header.strip() else []
    if len(hops) < settings.PROXY_COUNT:
        # Fewer entries than proxies: the request did not come through all of them, so
        # no entry is one of ours to trust.
        return remote
    return _address(hops[-settings.PROXY_COUNT]) or remote


def _address(hop: str) -> str | None:
    """An IP address from one X-Forwarded-For entry, which some proxies write with a
    port (``203.0.113.7:51234``, ``[2001:db8::1]:51234``); None if it is not one."""
    candidates = [hop]
    if hop.startswith("[") and "]" in hop:
        candidates.append(hop[1 : hop.index("]")])
    elif hop.count(":") == 1:
        candidates.append(hop.split(":")[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None
