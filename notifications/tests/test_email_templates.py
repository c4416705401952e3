"""The sweep's flattened email templates render what Django renders from the templates."""

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.test.utils import override_settings
from django.utils.safestring import mark_safe

from notifications.email_templates import EmailTemplates, flatten

FOLDER = Path(__file__).resolve().parent.parent / "templates" / "meetings" / "email"
EXTENDING = sorted(
    f"meetings/email/{path.name}"
    for path in FOLDER.iterdir()
    if path.read_text().startswith("{% extends")
)
HOSTILE = '<b>Tom & "Jerry"</b> it\'s'


class Person:
    def __init__(self, name: str) -> None:
        self.full_name = name
        self.email = "x@example.org"
        self.pk = 1

    def get_short_name(self) -> str:
        return self.full_name

    def __str__(self) -> str:
        return self.full_name


def rich_context() -> dict:
    """Something true for every name the email templates use, with text that HTML
    escapes, so every branch and every escape is rendered."""
    someone = Person(HOSTILE)
    item = SimpleNamespace(text=HOSTILE, author=someone, discussed=True)
    return {
        "recipient": someone,
        "other": someone,
        "by": someone,
        "person": someone,
        "old_manager": someone,
        "new_manager": someone,
        "zone_name": "Europe/London",
        "settings_url": "https://example.org/settings?a=1&b=2",
        "site_url": "https://example.org",
        "meeting_url": "https://example.org/m/1",
        "when": "Mon 3 Mar 10:00-10:30",
        "was": "Sun 2 Mar 10:00-10:30",
        "proposed": "Tue 4 Mar 10:00-10:30",
        "place": HOSTILE,
        "meeting": SimpleNamespace(get_kind_display="1:1", pk=1),
        "agenda_items": [item, SimpleNamespace(text="<i>", author=someone, discussed=False)],
        "is_organiser": True,
        "method": "REQUEST",
        "update": True,
        "request": SimpleNamespace(note=HOSTILE, requested_by=someone, action="move"),
        "accepted": True,
        "by_me": False,
        "cancelled": False,
        "whens": ["a", HOSTILE],
        "series_url": "https://example.org/s/1",
        "lapsed": [SimpleNamespace(participant=someone, last=dt.date(2025, 1, 2), url="u")],
        "team_url": "https://example.org/team",
        "actions": [SimpleNamespace(description=HOSTILE, meeting_url="u", due_date=None)],
        "actions_url": "u",
        "objective": SimpleNamespace(title=HOSTILE, owner=someone, decided_by=someone),
        "event": "proposed",
        "objective_url": "u",
        "url": "u",
        "recipient_is_mentee": True,
        "role": "report",
        "called_off": 2,
        "to_choose": True,
        "choose_url": "u",
        "book_url": "u",
        "mine_url": "u",
        "service": "Slack",
        "address": "https://hooks.slack.com/…",
        "reason": HOSTILE,
        "safe": mark_safe("<b>kept</b>"),
    }


def falsy_context() -> dict:
    """The same names, each false or empty where it can be (the other branches)."""
    context = rich_context()
    for key, value in context.items():
        if isinstance(value, bool | list | int):
            context[key] = type(value)()
    context["recipient"] = Person("")
    context["event"] = "declined"
    return context


def test_every_email_template_that_extends_the_base_is_flattened():
    assert EXTENDING
    assert [name for name in EXTENDING if flatten(name) is None] == []


@pytest.mark.parametrize("name", EXTENDING)
@pytest.mark.parametrize("context", [rich_context(), falsy_context()], ids=["true", "false"])
def test_the_flat_template_renders_what_django_renders(name, context):
    assert EmailTemplates().render(name, dict(context)) == render_to_string(name, dict(context))


LOCMEM = {
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "OPTIONS": {
        "loaders": [
            (
                "django.template.loaders.locmem.Loader",
                {
                    "base": "<{% block a %}A{% endblock %}|{% block b %}B{% endblock %}>",
                    "part": "[{{ x }}]",
                    "nested_part": '{% include "part" %}',
                    "plain": '{% extends "base" %}{% block b %}{% include "part" %}{% endblock %}',
                    "super": '{% extends "base" %}{% block a %}{{ block.super }}!{% endblock %}',
                    "with": '{% extends "base" %}{% block a %}{% include "part" with x=2 %}'
                    "{% endblock %}",
                    "nested": '{% extends "base" %}{% block a %}{% include "nested_part" %}'
                    "{% endblock %}",
                    "outside": '{% extends "base" %}text{% block a %}{% endblock %}',
                    "grandchild": '{% extends "plain" %}{% block a %}C{% endblock %}',
                },
            )
        ]
    },
}


@override_settings(TEMPLATES=[LOCMEM])
def test_what_cannot_be_flattened_for_certain_is_rendered_by_django():
    assert flatten("plain") == "<A|[{{ x }}]>"
    for name in ("super", "with", "nested", "outside", "grandchild"):
        assert flatten(name) is None, name
        templates = EmailTemplates()
        assert templates.render(name, {"x": 1}) == render_to_string(name, {"x": 1})
    assert EmailTemplates().render("plain", {"x": 1}) == "<A|[1]>"
