import datetime as dt
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from meetings.models import CancelReason, Format
from officehours.models import WEEKDAYS, OfficeHours
from officehours.services import TOPIC_LENGTH
from officehours.slots import Slot, parse_key
from people.forms import TimeZoneField
from people.models import User

SLOT_LENGTHS = [(10, "10 minutes"), (15, "15 minutes"), (20, "20 minutes"), (30, "30 minutes")]
SLOT_LENGTHS += [(45, "45 minutes"), (60, "1 hour")]


class _Helped(forms.Form):
    """The template owns the <form> tag."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class OfficeHoursForm(_Helped):
    title = forms.CharField(
        max_length=120,
        required=False,
        label="Name (optional)",
        help_text="E.g. “Drop-in for the maths department”.",
    )
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="On",
        error_messages={"required": "Pick at least one day of the week."},
    )
    start_time = forms.TimeField(widget=TimeInput(), label="From", initial=dt.time(14, 0))
    end_time = forms.TimeField(widget=TimeInput(), label="Until", initial=dt.time(16, 0))
    slot_minutes = forms.TypedChoiceField(
        choices=SLOT_LENGTHS, coerce=int, initial=20, label="Slots of"
    )
    time_zone = TimeZoneField(
        label="Time zone",
        help_text="The times stay at this local time all year; people see them in their own zone.",
    )
    audience = forms.ChoiceField(
        choices=OfficeHours.Audience.choices, widget=forms.RadioSelect, label="Open to"
    )
    format = forms.ChoiceField(choices=Format.choices, label="Where", initial=Format.ROOM)
    location = forms.CharField(max_length=300, required=False, label="Room, link or place")
    first_date = forms.DateField(widget=DateInput(), label="Starting from")
    last_date = forms.DateField(
        widget=DateInput(), required=False, label="Until (optional)", help_text="Empty: no end."
    )

    def __init__(self, *args: Any, host: User, has_reports: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = host.time_zone
        self.fields["first_date"].initial = timezone.localdate()
        self.fields["audience"].initial = (
            OfficeHours.Audience.TEAM if has_reports else OfficeHours.Audience.ANYONE
        )
        if not has_reports:
            # "My team" is for people with reports; the service says so too.
            self.fields["audience"].choices = [
                (OfficeHours.Audience.ANYONE.value, OfficeHours.Audience.ANYONE.label)
            ]

    @classmethod
    def initial_of(cls, hours: OfficeHours) -> dict[str, Any]:
        return {name: getattr(hours, name) for name in cls.base_fields}


class SlotField(forms.ChoiceField):
    """A slot, offered from the free ones (grouped by day) but taken as any slot key:
    whether it is still free is the service's to say, so that someone who loses a
    slot to another person a moment before is told so, with the next free ones."""

    def valid_value(self, value: Any) -> bool:
        return parse_key(str(value)) is not None


class SignUpForm(_Helped):
    slot = SlotField(
        label="Slot",
        error_messages={"required": "Choose a slot.", "invalid_choice": "Choose a slot."},
    )
    topic = forms.CharField(
        max_length=TOPIC_LENGTH,
        required=False,
        label="Topic (optional)",
        help_text="Only the two of you see it.",
    )

    def __init__(self, *args: Any, slots: list[Slot], zone: dt.tzinfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days: dict[str, list[tuple[str, str]]] = {}
        for slot in slots:
            start = timezone.localtime(slot.starts_at, zone)
            end = timezone.localtime(slot.ends_at, zone)
            day = f"{start:%A} {start.day} {start:%B}"
            days.setdefault(day, []).append((slot.key, f"{start:%H:%M}–{end:%H:%M}, {day}"))
        self.fields["slot"].choices = list(days.items())

    def clean_slot(self) -> dt.datetime:
        starts_at = parse_key(self.cleaned_data["slot"])
        if starts_at is None:  # valid_value let only keys through
            raise forms.ValidationError("Choose a slot.")
        return starts_at


class CancelSignUpForm(_Helped):
    reason = forms.ChoiceField(
        choices=CancelReason.choices,
        widget=forms.RadioSelect,
        label="Why",
        initial=CancelReason.NOTHING_TO_DISCUSS,
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        label="Note for the other person",
    )


class DeleteForm(_Helped):
    booked = forms.ChoiceField(
        choices=[
            ("keep", "Keep the booked sign-ups: they stay in both calendars"),
            ("cancel", "Cancel the booked sign-ups and tell each person"),
        ],
        widget=forms.RadioSelect,
        initial="keep",
        label="Sign-ups already booked",
    )
