"""The chat channel: Slack and Microsoft Teams incoming webhooks.

Three things live here, none of which sends on its own:

- **which addresses may be posted to** (``check_webhook_url``): https on the hosts the
  two services give webhooks out on, or an origin the operator named in
  ``CHAT_WEBHOOK_EXTRA_ORIGINS``. A person cannot make the server post anywhere else,
  e.g. to an address inside our own network; redirects are never followed.
- **a message** (``ChatMessage``): one or two sentences, times in the reader's zone,
  one link; what each kind says is in ``chat_messages``.
- **how it is posted** (``slack_payload``, ``teams_payload``, ``post``): a JSON POST
  with a short timeout. ``WebhookGone`` for a 404 or 410 (the webhook was removed, or
  its channel archived: trying again will not help), ``WebhookFailed`` for anything
  else that is not a 2xx, which the sweep retries like a failed email.

``notifications.sending`` claims, posts and marks sent, as for email.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import IO, Any

from django.conf import settings

from notifications.models import ChatService
from notifications.wording import absolute
from oneonones.errors import ServiceError
from people.models import User

# Where each service hands out incoming webhooks (an exact host, or ".suffix").
KNOWN_HOSTS: dict[str, tuple[str, ...]] = {
    ChatService.SLACK: ("hooks.slack.com",),
    # Teams: the Incoming Webhook connector (<tenant>.webhook.office.com) and the
    # Workflows ("Post to a channel when a webhook request is received") addresses.
    ChatService.TEAMS: (".webhook.office.com", ".logic.azure.com", ".api.powerplatform.com"),
}
GONE = (404, 410)


class WebhookGone(Exception):
    """The service says the webhook is no more (404, 410)."""


class WebhookFailed(Exception):
    """Not delivered this time (a timeout, a refused connection, any other status)."""


# --- Which addresses -----------------------------------------------------------------


def _host_matches(host: str, patterns: tuple[str, ...]) -> bool:
    return any(
        host.endswith(pattern) if pattern.startswith(".") else host == pattern
        for pattern in patterns
    )


def _origin(parts: urllib.parse.SplitResult) -> str:
    default = {"https": 443, "http": 80}.get(parts.scheme)
    port = parts.port if parts.port not in (None, default) else None
    return f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port else "")


def extra_origins() -> set[str]:
    return {
        _origin(urllib.parse.urlsplit(origin.strip().rstrip("/").lower()))
        for origin in settings.CHAT_WEBHOOK_EXTRA_ORIGINS
        if origin.strip()
    }


def check_webhook_url(url: str, service: str) -> str:
    """The address, if the server may post ``service``'s messages to it; otherwise a
    ``ServiceError`` saying why (about the field ``chat_webhook_url``)."""
    url = url.strip()
    field = "chat_webhook_url"
    if service not in ChatService.values:
        raise ServiceError("Choose Slack or Microsoft Teams.", field="chat_service")
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        raise ServiceError("That is not a web address.", field=field) from None
    if not parts.hostname or parts.username or parts.password:
        raise ServiceError("That is not a webhook address.", field=field)
    if len(url) > 1000:
        raise ServiceError("That address is too long for a webhook.", field=field)
    if _origin(parts) in extra_origins():
        return url
    name = ChatService(service).label
    if parts.scheme != "https" or parts.port not in (None, 443):
        raise ServiceError(f"A {name} webhook address starts with https://.", field=field)
    if not _host_matches(parts.hostname, KNOWN_HOSTS[service]):
        hosts = ", ".join(f"*{h}" if h.startswith(".") else h for h in KNOWN_HOSTS[service])
        raise ServiceError(
            f"That is not a {name} webhook address: they are on {hosts}.", field=field
        )
    return url


def masked(url: str) -> str:
    """The address as the app shows it: the host and the last four characters. The
    rest is the secret that lets anyone post to the person's channel."""
    if not url:
        return ""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}/\u2026{url[-4:]}"


# --- A message ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChatMessage:
    text: str  # plain text; each payload escapes it as its format needs
    url: str
    link_text: str
    zone_name: str


def test_message(*, user: User) -> ChatMessage:
    """What "Send a test message" posts."""
    return ChatMessage(
        "oneonones can post to this channel. Your 1:1 reminders will appear here.",
        absolute("meetings:notifications"),
        "Notification settings",
        user.time_zone,
    )


# --- How it is posted ----------------------------------------------------------------


def _slack_escaped(text: str) -> str:
    """Slack reads &, < and > as markup (links, mentions): a name must not be one."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(message: ChatMessage) -> dict[str, Any]:
    """Slack's incoming webhook message: ``text`` (also the notification's words) and
    blocks with a link button."""
    text = _slack_escaped(message.text)
    footer = _slack_escaped(f"Times in {message.zone_name}.")
    return {
        "text": f"{text} <{message.url}|{_slack_escaped(message.link_text)}>",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": message.link_text},
                        "url": message.url,
                    }
                ],
            },
            {"type": "context", "elements": [{"type": "mrkdwn", "text": footer}]},
        ],
        "unfurl_links": False,
    }


def teams_payload(message: ChatMessage) -> dict[str, Any]:
    """An Adaptive Card in a message, as both the Incoming Webhook connector and
    Workflows' "when a webhook request is received" take it."""
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        {"type": "TextBlock", "text": message.text, "wrap": True},
                        {
                            "type": "TextBlock",
                            "text": f"Times in {message.zone_name}.",
                            "isSubtle": True,
                            "size": "Small",
                            "wrap": True,
                        },
                    ],
                    "actions": [
                        {"type": "Action.OpenUrl", "title": message.link_text, "url": message.url}
                    ],
                },
            }
        ],
    }


def payload_for(service: str, message: ChatMessage) -> dict[str, Any]:
    return slack_payload(message) if service == ChatService.SLACK else teams_payload(message)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook answers, it does not send us elsewhere: a redirect could point at an
    address ``check_webhook_url`` never saw."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects())


def post(*, url: str, service: str, message: ChatMessage) -> None:
    """POST ``message`` in ``service``'s format, within ``CHAT_WEBHOOK_TIMEOUT_SECONDS``.
    Returns on a 2xx; raises ``WebhookGone`` or ``WebhookFailed``. The address is
    checked again first: the allowed origins may have changed since it was saved."""
    try:
        check_webhook_url(url, service)
    except ServiceError as error:
        raise WebhookFailed(f"The address is not allowed: {error}") from None
    request = urllib.request.Request(  # noqa: S310  (https, or an origin the operator named)
        url,
        data=json.dumps(payload_for(service, message)).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "oneonones"},
        method="POST",
    )
    try:
        with _opener.open(request, timeout=settings.CHAT_WEBHOOK_TIMEOUT_SECONDS) as response:
            status = response.status
            response.read(1024)
    except urllib.error.HTTPError as error:
        status = error.code
        error.close()
    except (OSError, ValueError) as error:  # refused, reset, timed out, DNS
        raise WebhookFailed(f"{type(error).__name__}: {error}") from None
    if status in GONE:
        raise WebhookGone(f"The service answered {status}: the webhook is gone.")
    if not 200 <= status < 300:
        raise WebhookFailed(f"The service answered {status}.")
