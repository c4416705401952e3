import datetime as dt
from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.forms.fields import BaseTemporalField
from django.utils import timezone

from meetings.cadence import (
    NEXT_MEETING_WITHIN_DAYS,
    ORDINALS,
    PATTERNS,
    WEEKDAY_NAMES,
    CadenceError,
    Picked,
    build_cadence,
    next_starts,
    ordinal_day,
    picked_from_cadence,
)
from meetings.models import (
    BOOKABLE_KINDS,
    AgendaTemplate,
    CancelReason,
    Format,
    Kind,
    MeetingSeries,
)
from meetings.record.selectors import templates_visible_to
from meetings.selectors import bookable_people
from mentoring.selectors import mentors_of
from oneonones import limits
from people.forms import TimeZoneField
from people.models import User
from people.selectors import reports_of

DURATIONS = [(15, "15 minutes"), (20, "20 minutes"), (30, "30 minutes"), (45, "45 minutes")]
DURATIONS += [(60, "1 hour"), (90, "1 hour 30 minutes")]
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
WEEKLY_PATTERNS = "weekly fortnightly four_weekly monthly_weekday"
# Kinds of a line meeting (manager and report); a mentoring check-in is booked only by
# the mentee with their mentor (``services.may_book_with``).
LINE_KINDS = [(value, label) for value, label in BOOKABLE_KINDS if value != Kind.MENTORING]


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the viewer's own zone (the active time zone).

    A time the clocks skip when they go forward does not exist: the person is told so.
    A time that happens twice when they go back is the first of the two (summer time),
    as for the meetings of a series.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "In your time zone.")
        kwargs.setdefault("error_messages", {"invalid": "Enter a date and a time that exist."})
        super().__init__(input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"], **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            naive = value
        else:
            # The typed wall-clock time, before any zone (Django's own reading would
            # reject both the skipped and the doubled hour with the same vague message).
            naive = cast(dt.datetime, BaseTemporalField.to_python(self, str(value).strip()))
        if timezone.is_aware(naive):
            return naive
        return local_time(naive, timezone.get_current_timezone())


def local_time(naive: dt.datetime, zone) -> dt.datetime:
    """``naive`` wall-clock time in ``zone``; ValidationError if the clocks skip it."""
    aware = naive.replace(tzinfo=zone, fold=0)
    try:
        round_trip = aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    except OverflowError:  # the last hours of year 9999, west of Greenwich
        raise forms.ValidationError("Enter a date and a time that exist.") from None
    if round_trip != naive:
        raise forms.ValidationError(
            f"{naive:%H:%M} on {naive:%a} {naive.day} {naive:%b %Y} does not exist in "
            f"{zone}: the clocks go forward then. Pick another time.",
            code="skipped_time",
        )
    return aware


class SeriesForm(forms.Form):
    """Book or change a recurring 1:1. The cadence is picked, not typed as a rule."""

    participant = forms.ModelChoiceField(
        queryset=User.objects.none(), label="With", empty_label=None
    )
    kind = forms.ChoiceField(choices=BOOKABLE_KINDS, label="Kind of meeting")
    pattern = forms.ChoiceField(
        choices=PATTERNS, label="How often", widget=forms.RadioSelect, initial="fortnightly"
    )
    weekday = forms.TypedChoiceField(
        choices=list(enumerate(WEEKDAY_NAMES)), coerce=int, label="Day of the week", initial=1
    )
    week_of_month = forms.TypedChoiceField(
        choices=[(number, word.capitalize()) for number, word in ORDINALS.items()],
        coerce=int,
        label="Which week of the month",
        initial=1,
    )
    day_of_month = forms.TypedChoiceField(
        choices=[(number, ordinal_day(number)) for number in [*range(1, 29), -1]],
        coerce=int,
        label="Day of the month",
        initial=1,
    )
    custom_rule = forms.CharField(
        required=False,
        label="Custom rule",
        help_text="An iCalendar rule, e.g. FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,TH.",
    )
    first_date = forms.DateField(widget=DateInput(), label="Starting from")
    start_time = forms.TimeField(widget=TimeInput(), label="Start time", initial=dt.time(10, 0))
    time_zone = TimeZoneField(
        label="Time zone",
        help_text="The meeting stays at this local time all year, across clock changes. On "
        "the day the clocks skip it, the meeting is an hour later; when they repeat it, "
        "it is the first of the two.",
    )
    duration_minutes = forms.TypedChoiceField(
        choices=DURATIONS, coerce=int, initial=30, label="Length"
    )
    end_date = forms.DateField(
        widget=DateInput(), required=False, label="Until", help_text="Leave empty to keep going."
    )
    format = forms.ChoiceField(choices=Format.choices, label="Where", initial=Format.VIDEO)
    location = forms.CharField(
        max_length=300,
        required=False,
        label="Room, link or place",
        help_text="Only the two of you see this.",
    )
    default_template = forms.ModelChoiceField(
        queryset=AgendaTemplate.objects.none(),
        required=False,
        label="Agenda template",
        empty_label="No prompts",
        help_text="Its prompts show on each meeting as ideas; they count as nobody's items.",
    )

    def __init__(self, *args, organiser, series: MeetingSeries | None = None, **kwargs):
        self.organiser = organiser
        self.series = series
        if series is not None:
            picked = picked_from_cadence(series.cadence)
            kwargs.setdefault(
                "initial",
                {
                    "kind": series.kind,
                    "pattern": picked.pattern,
                    "weekday": picked.weekday,
                    "week_of_month": picked.week_of_month,
                    "day_of_month": picked.day_of_month,
                    "custom_rule": picked.custom_rule,
                    "first_date": series.first_date,
                    "start_time": series.start_time,
                    "time_zone": series.time_zone,
                    "duration_minutes": series.duration_minutes,
                    "end_date": series.end_date,
                    "format": series.format,
                    "location": series.location,
                    "default_template": series.default_template_id,
                },
            )
        super().__init__(*args, **kwargs)
        if series is None:
            # One's reports (line 1:1s) and one's mentors (mentoring check-ins, which the
            # mentee books).
            people = reports_of(manager=organiser) | User.objects.filter(
                pk__in=mentors_of(viewer=organiser).values("pk")
            )
            cast(
                forms.ModelChoiceField, self.fields["participant"]
            ).queryset = people.distinct().order_by("full_name", "pk")
        else:
            del self.fields["participant"]
            kinds = LINE_KINDS
            if series.kind == Kind.MENTORING:
                kinds = [(Kind.MENTORING.value, Kind.MENTORING.label)]
            cast(forms.ChoiceField, self.fields["kind"]).choices = kinds
        templates = templates_visible_to(viewer=organiser)
        cast(forms.ModelChoiceField, self.fields["default_template"]).queryset = templates
        if series is None:
            builtin = {t.builtin_key: t.pk for t in templates if t.builtin_key}
            mentoring = self.initial.get("kind") == Kind.MENTORING
            self.fields["default_template"].initial = builtin.get(
                "mentoring_check_in" if mentoring else "regular_monthly"
            )
        self.fields["time_zone"].initial = organiser.time_zone
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        self.fields["first_date"].initial = tomorrow
        self.fields["weekday"].initial = tomorrow.weekday()
        self.helper = _helper()
        self.helper.layout = Layout(
            *(["participant"] if series is None else []),
            "kind",
            Fieldset(
                "When",
                Field("pattern"),
                Div("weekday", data_pattern_field=WEEKLY_PATTERNS),
                Div("week_of_month", data_pattern_field="monthly_weekday"),
                Div("day_of_month", data_pattern_field="monthly_date"),
                Div("custom_rule", data_pattern_field="custom"),
                Div(
                    Div("first_date", css_class="col-sm-4"),
                    Div("start_time", css_class="col-sm-3"),
                    Div("duration_minutes", css_class="col-sm-5"),
                    css_class="row",
                ),
                Div(
                    Div("time_zone", css_class="col-sm-7"),
                    Div("end_date", css_class="col-sm-5"),
                    css_class="row",
                ),
            ),
            Fieldset("Where", "format", "location"),
            Fieldset("Agenda", "default_template"),
        )

    def clean_first_date(self):
        first_date = self.cleaned_data["first_date"]
        changed = self.series is None or first_date != self.series.first_date
        if changed and first_date < timezone.localdate():
            raise forms.ValidationError("Pick today or a later date.")
        if changed:
            limits.check_first_date(first_date)
        return first_date

    def clean_end_date(self):
        end_date = self.cleaned_data["end_date"]
        if end_date is not None:
            limits.check_planning_day(end_date, what="a last date")
        return end_date

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needed = ("pattern", "weekday", "week_of_month", "day_of_month", "first_date")
        if any(name not in data for name in (*needed, "start_time", "time_zone")):
            return data
        picked = Picked(
            pattern=data["pattern"],
            weekday=data["weekday"],
            week_of_month=data["week_of_month"],
            day_of_month=data["day_of_month"],
            custom_rule=data.get("custom_rule", ""),
        )
        try:
            data["cadence"] = build_cadence(picked)
        except CadenceError as error:
            field = "custom_rule" if picked.pattern == "custom" else "pattern"
            self.add_error(field, str(error))
            return data
        end_date = data.get("end_date")
        if end_date and end_date < data["first_date"]:
            self.add_error("end_date", "The last date must be on or after the first.")
            return data
        if not self.upcoming_starts(data, count=1):
            self.add_error("pattern", "These settings give no meeting in the next year.")
        return data

    def upcoming_starts(self, data=None, *, count: int = 6) -> list[dt.datetime]:
        data = data if data is not None else self.cleaned_data
        series_like = MeetingSeries(
            cadence=data["cadence"],
            start_time=data["start_time"],
            time_zone=data["time_zone"],
            first_date=data["first_date"],
            end_date=data.get("end_date"),
        )
        return next_starts(
            series_like, after=timezone.now(), count=count, horizon_days=NEXT_MEETING_WITHIN_DAYS
        )

    def series_fields(self) -> dict[str, Any]:
        names = ("kind", "cadence", "start_time", "time_zone", "first_date", "end_date",
                 "duration_minutes", "format", "location", "default_template")  # fmt: skip
        return {name: self.cleaned_data[name] for name in names}


class HelpedForm(forms.Form):
    """A form with a crispy helper; the template owns the <form> tag."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class FutureStartMixin(forms.Form):
    def clean_starts_at(self) -> dt.datetime:
        starts_at: dt.datetime = self.cleaned_data["starts_at"]
        limits.check_meeting_start(starts_at)
        return starts_at


def note_field() -> forms.CharField:
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        label="Note for the other person",
    )


class OneOffForm(FutureStartMixin, HelpedForm):
    participant = forms.ModelChoiceField(
        queryset=User.objects.none(), label="With", empty_label=None
    )
    kind = forms.ChoiceField(choices=LINE_KINDS, label="Kind of meeting")
    starts_at = LocalDateTimeField(label="When")
    duration_minutes = forms.TypedChoiceField(
        choices=DURATIONS, coerce=int, initial=30, label="Length"
    )
    format = forms.ChoiceField(choices=Format.choices, label="Where", initial=Format.VIDEO)
    location = forms.CharField(max_length=300, required=False, label="Room, link or place")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["participant"]).queryset = bookable_people(
            viewer=user
        )


class CancelForm(HelpedForm):
    reason = forms.ChoiceField(
        choices=CancelReason.choices,
        widget=forms.RadioSelect,
        label="Why",
        initial=CancelReason.NOTHING_TO_DISCUSS,
    )
    note = note_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == CancelReason.OTHER and not data.get("note", "").strip():
            self.add_error("note", "Say briefly why, so the other person knows.")
        return data


class MoveForm(FutureStartMixin, HelpedForm):
    starts_at = LocalDateTimeField(label="New time")
    note = note_field()
