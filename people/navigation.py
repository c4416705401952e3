"""The navigation bar is assembled from what each installed app declares.

An app's ``AppConfig`` may have ``nav_items``: a tuple of ``NavItem``. The
``audience`` says who sees the link: everyone signed in, people with reports
(managers), HR, or staff (the admin site).
"""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

AUDIENCES = ("everyone", "manager", "hr", "staff")


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    audience: str = "everyone"
    order: int = 50

    def __post_init__(self):
        if self.audience not in AUDIENCES:
            raise ValueError(f"Unknown audience {self.audience!r}; use one of {AUDIENCES}.")


# The links of each set of roles, worked out once a process (a few hundred calls of
# ``reverse`` on every page otherwise): keyed by the URL configuration and the script
# prefix too, so a test that swaps either gets its own.
_LINKS: dict[tuple[frozenset[str], str, object], list[dict[str, str]]] = {}


def _url_key() -> tuple[str, object]:
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF


def _links(roles: set[str]) -> tuple[tuple[frozenset[str], str, object], list[dict[str, str]]]:
    key = (frozenset(roles), *_url_key())
    links = _LINKS.get(key)
    if links is None:
        items = [
            item
            for config in apps.get_app_configs()
            for item in getattr(config, "nav_items", ())
            if item.audience in roles
        ]
        items.sort(key=lambda item: (item.order, item.label))
        links = _LINKS[key] = [
            {"label": item.label, "url": reverse(item.url_name)} for item in items
        ]
    return key, links


# The bar's own addresses (home, the profile, signing out) for each URL configuration.
_ADDRESSES: dict[tuple[str, object], dict[str, str]] = {}


def nav_addresses() -> dict[str, str]:
    """The addresses the bar writes besides its links, reversed once a process."""
    key = _url_key()
    addresses = _ADDRESSES.get(key)
    if addresses is None:
        addresses = _ADDRESSES[key] = {
            "home": reverse("home"),
            "profile": reverse("people:profile"),
            "logout": reverse("logout"),
        }
    return addresses


# One link of the bar as ``templates/includes/nav.html`` wrote it with a loop (the
# same markup, spaces included), the one of the page being shown marked active.
_LINK = (
    '\n              <li class="nav-item">'
    '\n                <a class="nav-link{active}" href="{url}"'
    "\n                   {current}>{label}</a>"
    "\n              </li>\n            "
)
_BARS: dict[tuple[tuple[frozenset[str], str, object], str | None], SafeString] = {}


def nav_bar_links(*, roles: set[str], path: str) -> SafeString:
    """The bar's links for ``roles`` with the one at ``path`` active, written once a
    process for each set of roles and each of its links (rather than a loop with two
    comparisons and three variables a link in the template of every page)."""
    key, links = _links(roles)
    active = path if any(link["url"] == path for link in links) else None
    bar = _BARS.get((key, active))
    if bar is None:
        bar = _BARS[(key, active)] = mark_safe(  # noqa: S308 (escaped above)
            "".join(
                _LINK.format(
                    active=" active" if link["url"] == active else "",
                    url=escape(link["url"]),
                    current='aria-current="page"' if link["url"] == active else "",
                    label=escape(link["label"]),
                )
                for link in links
            )
        )
    return bar


@dataclass(frozen=True)
class ProfileLink:
    """A link on everyone's profile page, declared by the app the page belongs to (as
    ``profile_links`` on its ``AppConfig``), so people links to pages of apps above it
    without importing them."""

    label: str
    url_name: str
    description: str = ""


def profile_links() -> list[dict[str, str]]:
    return [
        {"label": link.label, "url": reverse(link.url_name), "description": link.description}
        for config in apps.get_app_configs()
        for link in getattr(config, "profile_links", ())
    ]
