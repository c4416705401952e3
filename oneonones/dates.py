"""The template filter ``date``, with the output of Django's and a fraction of its cost.

Lists show two or three dates a row ("Tue 3 Mar 2026, 10:00 to 10:30"), and Django's
filter made them the largest part of rendering a list once its queries were few: for
a format written out (``"D j M Y, H:i"``) it first looks for a format setting of that
name in the language's format modules, walked again on every call (it caches only
names it finds), then builds a ``DateFormat`` that works out whether the time is
ambiguous in its zone whatever the format asks for.

Here a format written out is split into its parts once, and the parts every page uses
(day, weekday, month, year, hour, minute) are written straight from the value, with
the names translated once per language, as ``django.utils.dateformat`` writes them.
Anything else (a setting's name such as ``SHORT_DATE_FORMAT``, no format, another
format character, a value that is not a datetime) goes to Django's filter, so the
output is always Django's (``tests/test_dates.py`` compares them). Loaded as a
template builtin after Django's (``settings.TEMPLATES``), so it replaces Django's
``date`` in every template.
"""

import datetime as dt
import functools
import re
from collections.abc import Callable

from django import template
from django.template import defaultfilters
from django.utils import translation
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR

register = template.Library()

# Django's own split of a format into literal text and format characters.
FORMAT_CHARACTERS = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")
ESCAPED = re.compile(r"\\(.)")

Part = Callable[[dt.datetime, dict], str]
PARTS: dict[str, Part] = {
    "d": lambda value, names: f"{value.day:02d}",
    "j": lambda value, names: str(value.day),
    "D": lambda value, names: names["weekdays"][value.weekday()],
    "M": lambda value, names: names["months"][value.month],
    "Y": lambda value, names: f"{value.year:04d}",
    "H": lambda value, names: f"{value.hour:02d}",
    "G": lambda value, names: str(value.hour),
    "i": lambda value, names: f"{value.minute:02d}",
}
DATE_PARTS = {"d", "j", "D", "M", "Y"}


@functools.lru_cache(maxsize=256)
def _parts(format_string: str) -> tuple[tuple[str, str], ...] | None:
    """The format as ("text", literal) and ("part", character) pairs, or None when it
    names a setting or uses a character written here."""
    if format_string.isidentifier():  # a setting's name, e.g. SHORT_DATE_FORMAT
        return None
    parts = []
    for number, piece in enumerate(FORMAT_CHARACTERS.split(format_string)):
        if number % 2:
            if piece not in PARTS:
                return None
            parts.append(("part", piece))
        elif piece:
            parts.append(("text", ESCAPED.sub(r"\1", piece)))
    return tuple(parts)


@functools.lru_cache(maxsize=16)
def _names(language: str | None) -> dict:
    """Weekday and month abbreviations in ``language``, as ``dateformat`` writes them."""
    with translation.override(language):
        return {
            "weekdays": {number: str(name) for number, name in WEEKDAYS_ABBR.items()},
            "months": {number: str(name).title() for number, name in MONTHS_3.items()},
        }


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    parts = _parts(arg) if isinstance(arg, str) and arg else None
    datetime = isinstance(value, dt.datetime)
    if parts is None or not (datetime or type(value) is dt.date):
        return defaultfilters.date(value, arg)
    if not datetime and any(kind == "part" and text not in DATE_PARTS for kind, text in parts):
        return defaultfilters.date(value, arg)  # which refuses time parts of a date
    names = _names(translation.get_language())
    return "".join(text if kind == "text" else PARTS[text](value, names) for kind, text in parts)
