"""The navigation bar is assembled from what each installed app declares.

An app's ``AppConfig`` may have ``nav_items``: a tuple of ``NavItem``. The
``audience`` says who sees the link: everyone signed in, people with reports
(managers), HR, or staff (the admin site).
"""

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse

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


def nav_items_for(*, roles: set[str]) -> list[dict]:
    items = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if item.audience in roles:
                items.append(item)
    items.sort(key=lambda item: (item.order, item.label))
    return [{"label": item.label, "url": reverse(item.url_name)} for item in items]


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
