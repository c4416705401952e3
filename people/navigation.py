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
