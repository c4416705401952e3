"""What an HR viewer can read off the team wellbeing page, for the attack tests."""

import re
from html.parser import HTMLParser

from django.urls import reverse


class _TrendRows(HTMLParser):
    """Collects each month row's state and visible text, keyed by (team id, "YYYY-MM")."""

    def __init__(self):
        super().__init__()
        self.rows: dict[tuple[int, str], tuple[str, str]] = {}
        self._key = None
        self._state = ""
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and attrs.get("data-testid") == "trend-month":
            self._key = (int(attrs["data-team"]), attrs["data-month"])
            self._state = attrs["data-state"]
            self._text = []

    def handle_endtag(self, tag):
        if tag == "tr" and self._key is not None:
            self.rows[self._key] = (self._state, re.sub(r"\s+", " ", "".join(self._text)).strip())
            self._key = None

    def handle_data(self, data):
        if self._key is not None:
            self._text.append(data)


def hr_figures(client, **query) -> dict[tuple[int, str], str | None]:
    """Every team-month on every page of HR's wellbeing page: the row's text when
    figures are shown, None when they are not (withheld, or not published yet)."""
    figures: dict[tuple[int, str], str | None] = {}
    page = 1
    while True:
        response = client.get(reverse("wellbeing:trends"), {**query, "page": page})
        assert response.status_code == 200
        parser = _TrendRows()
        parser.feed(response.content.decode())
        for key, (state, text) in parser.rows.items():
            figures[key] = text if state == "shown" else None
        if f"page={page + 1}" not in response.content.decode():
            return figures
        page += 1


def assert_nothing_learnt(before: dict, after: dict) -> None:
    """Two views of the page teach an attacker nothing by comparison: every figure
    shown in both is the same figure (or one of the two views withholds it)."""
    changed = {
        key: (before[key], after[key])
        for key in before.keys() & after.keys()
        if before[key] is not None and after[key] is not None and before[key] != after[key]
    }
    assert not changed, f"figures that changed between two views: {changed}"


def shown(figures: dict) -> dict:
    return {key: text for key, text in figures.items() if text is not None}
