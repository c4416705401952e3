"""Dates, times, rules and ``next`` values people may enter for meetings: out of bounds,
skipped by the clocks or not a path, each gets a clear message and changes nothing."""

import datetime as dt
import zoneinfo

import pytest
import recurrence
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from meetings.models import ActionItem, ChangeRequest, Meeting, MeetingSeries, SlotClash
from meetings.record import services as record_services
from meetings.scheduling import services
from meetings.tests.factories import ActionItemFactory, weekly
from meetings.tests.test_record_services import started_meeting
from meetings.tests.test_views import booking_data
from objectives.tests.factories import ObjectiveFactory
from oneonones.errors import ServiceError
from oneonones.tests.fuzzing import clock_change
from people.tests.factories import UserFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
FAR = "9999-12-31T23:59"
TWO_YEARS = "Pick a time at most two years ahead"


def local_text(moment: dt.datetime) -> str:
    return timezone.localtime(moment, LONDON).strftime("%Y-%m-%dT%H:%M")


def noon_in(years: int, days: int) -> dt.datetime:
    """Noon, London time, so that no clock change gets in the way."""
    day = timezone.localdate() + relativedelta(years=years, days=days)
    return dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)


def just_past_two_years() -> dt.datetime:
    return noon_in(2, 2)


@pytest.fixture
def upcoming(series):
    return series.meetings.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()


def one_off_data(employee, starts_at: str) -> dict:
    return {
        "participant": employee.pk,
        "kind": "one_to_one",
        "starts_at": starts_at,
        "duration_minutes": "30",
        "format": "video",
        "location": "",
    }


# --- How far ahead -----------------------------------------------------------------------------


@pytest.mark.parametrize("when", [FAR, "far"])
def test_a_one_off_is_booked_at_most_two_years_ahead(client, manager, employee, when):
    client.force_login(manager)
    starts_at = FAR if when == FAR else local_text(just_past_two_years())
    response = client.post(reverse("meetings:meeting_new"), one_off_data(employee, starts_at))
    assert response.status_code == 200
    assert TWO_YEARS in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_one_off_just_inside_two_years_is_booked(client, manager, employee):
    client.force_login(manager)
    inside = noon_in(2, -1)
    response = client.post(
        reverse("meetings:meeting_new"), one_off_data(employee, local_text(inside))
    )
    assert response.status_code == 302
    assert Meeting.objects.get().starts_at.date() == inside.date()


def test_a_meeting_moves_and_a_move_is_proposed_at_most_two_years_ahead(
    client, manager, employee, upcoming
):
    for person in (manager, employee):
        client.force_login(person)
        response = client.post(
            reverse("meetings:meeting_move", args=[upcoming.pk]), {"starts_at": FAR, "note": ""}
        )
        assert response.status_code == 200
        assert TWO_YEARS in response.content.decode()
    assert not ChangeRequest.objects.exists()
    assert not Meeting.objects.filter(rescheduled_from__isnull=False).exists()


def test_a_clash_is_rebooked_at_most_two_years_ahead(client, manager, series):
    slot = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=40)
    clash = SlotClash.objects.create(
        series=series, slot=slot, ends_at=slot + dt.timedelta(minutes=30), person=manager
    )
    client.force_login(manager)
    response = client.post(reverse("meetings:clash_rebook", args=[clash.pk]), {"starts_at": FAR})
    assert response.status_code == 302
    assert TWO_YEARS in client.get(response["Location"]).content.decode()
    assert SlotClash.objects.filter(pk=clash.pk).exists()


def test_the_services_hold_the_same_rule(manager, employee, series, upcoming):
    """Whatever calls them, not only the forms."""
    far = just_past_two_years()
    slot = upcoming.starts_at + dt.timedelta(days=400)
    clash = SlotClash.objects.create(
        series=series, slot=slot, ends_at=slot + dt.timedelta(minutes=30), person=manager
    )
    attempts = [
        lambda: services.meeting_book(
            organiser=manager, participant=employee, starts_at=far, duration_minutes=30,
            format="video",
        ),
        lambda: services.meeting_move(meeting=upcoming, by=manager, starts_at=far),
        lambda: services.change_request_create(
            meeting=upcoming, by=employee, action=ChangeRequest.Action.MOVE,
            proposed_starts_at=far,
        ),
        lambda: services.clash_book_other_time(clash=clash, by=manager, starts_at=far),
    ]  # fmt: skip
    for attempt in attempts:
        with pytest.raises(ServiceError, match=TWO_YEARS):
            attempt()


def test_an_old_proposal_beyond_two_years_cannot_be_accepted(manager, employee, upcoming):
    """A proposal stored before the rule existed is checked again when accepted."""
    change = ChangeRequest.objects.create(
        meeting=upcoming,
        requested_by=employee,
        action=ChangeRequest.Action.MOVE,
        proposed_starts_at=dt.datetime(9999, 12, 31, 12, tzinfo=dt.UTC),
    )
    with pytest.raises(ServiceError, match=TWO_YEARS):
        services.change_request_accept(request=change, by=manager)
    upcoming.refresh_from_db()
    assert upcoming.rescheduled_from is None


# --- Clock changes -----------------------------------------------------------------------------


def test_a_time_the_clocks_skip_is_explained(client, manager, employee):
    day = clock_change("Europe/London", timezone.localdate())
    client.force_login(manager)
    response = client.post(
        reverse("meetings:meeting_new"), one_off_data(employee, f"{day:%Y-%m-%d}T01:30")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f"01:30 on {day:%a} {day.day} {day:%b %Y} does not exist in Europe/London" in body
    assert "the clocks go forward then" in body
    assert not Meeting.objects.exists()


def test_a_time_the_clocks_repeat_is_the_first_of_the_two(client, manager, employee):
    day = clock_change("Europe/London", timezone.localdate(), forward=False)
    client.force_login(manager)
    response = client.post(
        reverse("meetings:meeting_new"), one_off_data(employee, f"{day:%Y-%m-%d}T01:30")
    )
    assert response.status_code == 302
    # 01:30 summer time (UTC+1), not the 01:30 an hour later in winter time.
    expected = dt.datetime.combine(day, dt.time(0, 30), tzinfo=dt.UTC)
    assert Meeting.objects.get().starts_at == expected


def test_a_time_that_does_not_exist_at_all_is_explained(client, manager, employee):
    client.force_login(manager)
    response = client.post(
        reverse("meetings:meeting_new"), one_off_data(employee, "2027-02-30T10:00")
    )
    assert "Enter a date and a time that exist." in response.content.decode()


# --- Series ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_date", "9999-12-31", "Pick a first date from 1 January 2000 to "),
        ("end_date", "9999-12-31", "Pick a last date from 1 January 2000 to "),
        ("time_zone", "Mars/Olympus_Mons", "Choose a time zone from the list"),
        ("custom_rule", "FREQ=MONTHLY;BYDAY=99MO", "That rule cannot give meeting dates"),
    ],
)
def test_the_series_form_explains_values_out_of_bounds(
    client, manager, employee, field, value, message
):
    client.force_login(manager)
    extra = {field: value, "pattern": "custom"} if field == "custom_rule" else {field: value}
    response = client.post(reverse("meetings:series_new"), booking_data(employee, **extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MeetingSeries.objects.exists()


def test_the_series_preview_explains_instead_of_failing(client, manager, employee):
    client.force_login(manager)
    data = booking_data(employee, pattern="custom", custom_rule="FREQ=WEEKLY;INTERVAL=0")
    response = client.get(reverse("meetings:series_preview"), data)
    assert response.status_code == 200


def test_the_series_services_hold_the_date_rules(manager, employee, series):
    fields = booking_fields()
    with pytest.raises(ServiceError, match="Pick a first date"):
        services.series_create(
            organiser=manager, participant=employee, **{**fields, "first_date": dt.date.max}
        )
    with pytest.raises(ServiceError, match="Pick a last date"):
        services.series_update(series=series, by=manager, end_date=dt.date.max)


def test_the_series_services_hold_the_booking_forms_rules(manager, employee, series):
    """SeriesForm.clean's rules hold for any caller of the services: a cadence that
    gives dates, a last date not before the first, a meeting within the coming year."""
    fields = booking_fields()
    yearly_twice = recurrence.deserialize("RRULE:FREQ=YEARLY;INTERVAL=2", include_dtstart=False)
    never = recurrence.deserialize(
        "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", include_dtstart=False
    )
    tuesday = fields["first_date"] + dt.timedelta(days=(1 - fields["first_date"].weekday()) % 7)
    refused = [
        ({"cadence": yearly_twice}, "Meet at least once a year"),
        ({"end_date": fields["first_date"] - dt.timedelta(days=1)}, "on or after the first"),
        ({"cadence": never}, "no meeting in the next year"),
        # Mondays only, from a Tuesday to the same Tuesday: nothing to book.
        ({"cadence": weekly(weekday=0), "first_date": tuesday, "end_date": tuesday},
         "no meeting in the next year"),
    ]  # fmt: skip
    # Another report: the employee already has an active series with the manager.
    newcomer = UserFactory(manager=manager, team=employee.team)
    before = MeetingSeries.objects.count()
    for changes, message in refused:
        with pytest.raises(ServiceError, match=message):
            services.series_create(organiser=manager, participant=newcomer, **{**fields, **changes})
    assert MeetingSeries.objects.count() == before
    cadence = series.cadence
    for changes, message in refused[:1] + refused[2:3]:
        with pytest.raises(ServiceError, match=message):
            services.series_update(series=series, by=manager, **changes)
    series.refresh_from_db()
    assert recurrence.serialize(series.cadence) == recurrence.serialize(cadence)


def booking_fields() -> dict:
    from meetings.tests.factories import weekly

    return {
        "cadence": weekly(),
        "start_time": dt.time(10),
        "time_zone": "Europe/London",
        "first_date": timezone.localdate() + dt.timedelta(days=1),
        "format": "video",
    }


# --- The meeting page ------------------------------------------------------------------------


def test_an_action_is_due_at_most_ten_years_ahead(client, manager, employee, series):
    meeting = started_meeting(series)
    client.force_login(manager)
    response = client.post(
        reverse("meetings:action_add", args=[meeting.pk]),
        {"owner": employee.pk, "description": "Plan", "due_date": "9999-12-31"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Pick a due date from 1 January 2000 to " in response.content.decode()
    with pytest.raises(ServiceError, match="Pick a due date"):
        record_services.action_add(
            meeting=meeting, by=manager, owner=employee, description="Plan", due_date=dt.date.max
        )
    assert not ActionItem.objects.exists()


def test_a_note_version_too_large_for_the_database_is_refused(client, manager, series):
    meeting = started_meeting(series)
    client.force_login(manager)
    response = client.post(
        reverse("meetings:note_save", args=[meeting.pk]),
        {"body": "x", "version": "2147483648", "visibility": "shared"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 404  # not a note this page could have sent


@pytest.mark.parametrize("next_url", ["meetings", "a\x00b", "//evil.example/", "9999-12-31"])
def test_a_next_that_is_not_a_path_here_goes_to_the_default(
    client, manager, employee, series, next_url
):
    meeting = started_meeting(series)
    action = ActionItemFactory(meeting=meeting, owner=employee)
    client.force_login(employee)
    response = client.post(
        reverse("meetings:action_done", args=[action.pk]), {"done": "1", "next": next_url}
    )
    assert response["Location"] == reverse("meetings:my_actions")
    objective = ObjectiveFactory(owner=employee)
    response = client.post(
        reverse("meetings:objective_discuss", args=[objective.pk]),
        {"meeting": meeting.pk, "next": next_url},
    )
    assert response["Location"] == reverse("meetings:meeting", args=[meeting.pk])


@pytest.mark.parametrize("value", ["²", "9" * 30, "-1", "x"])
def test_an_id_in_the_query_string_that_is_not_one_is_404(client, manager, value):
    client.force_login(manager)
    assert client.get(reverse("meetings:series_new"), {"participant": value}).status_code == 404
    assert client.get(reverse("meetings:meeting_new"), {"participant": value}).status_code == 404
    response = client.get(reverse("meetings:series_preview"), {"series": value})
    assert response.status_code == 404
