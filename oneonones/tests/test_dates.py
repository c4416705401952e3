"""Our ``date`` filter (``oneonones.dates``) writes what Django's writes, for every
format, value, zone and language, and replaces Django's in every template."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.template import Context, Engine, Template
from django.template.defaultfilters import date as django_date
from django.utils import timezone, translation

from oneonones import dates

FORMATS = [
    "D j M Y, H:i",
    "D j M, H:i",
    "D j M Y",
    "j M Y",
    "H:i",
    "G:i",
    "d/m/Y",
    "D j M",
    r"\a\t H:i \o\n D",  # escaped characters are text
    "c",
    "N j, Y, P",  # characters written by Django's filter
    "l jS F Y",
    "DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "",
    None,
]
ZONE = zoneinfo.ZoneInfo("Europe/London")
VALUES = [
    dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC),  # the night the clocks change
    dt.datetime(2026, 10, 25, 1, 30, tzinfo=ZONE),  # an hour that happens twice
    dt.datetime(2027, 1, 1, 9, 5, tzinfo=zoneinfo.ZoneInfo("Asia/Kolkata")),
    dt.datetime(2001, 12, 31, 23, 59),  # naive
    dt.datetime(9, 7, 4, 7, 0, tzinfo=dt.UTC),
    dt.date(2026, 2, 28),
    None,
    "",
    "not a date",
]


@pytest.mark.parametrize("language", ["en-gb", "fr", "de"])
@pytest.mark.parametrize("format_string", FORMATS)
def test_it_writes_what_djangos_filter_writes(language, format_string):
    with translation.override(language):
        for value in VALUES:
            try:
                expected = django_date(value, format_string)
            except TypeError as error:  # a time format for a date: refused alike
                with pytest.raises(TypeError, match=re.escape(str(error))):
                    dates.date(value, format_string)
            else:
                assert dates.date(value, format_string) == expected, (value, format_string)


def test_every_template_uses_it_in_the_viewers_zone(settings):
    engine = Engine.get_default()
    assert engine.template_builtins[-1].filters["date"] is dates.date
    moment = dt.datetime(2026, 7, 1, 22, 15, tzinfo=dt.UTC)
    template = Template('{{ moment|date:"D j M Y, H:i" }}')
    with timezone.override(zoneinfo.ZoneInfo("Pacific/Auckland")):
        assert template.render(Context({"moment": moment})) == "Thu 2 Jul 2026, 10:15"
    with translation.override("fr"):
        assert template.render(Context({"moment": moment})) == django_date(moment, "D j M Y, H:i")
