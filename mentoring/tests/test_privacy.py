"""Who can see a mentoring pair's content (DESIGN.md, "Who may see what"): the mentee
and the mentor only. Not the mentee's line manager or their manager, not the mentor's
manager, not HR (cadence only), not an outsider, not the admin site, the API or any
export. A mentoring check-in is not even in the line's view of meetings."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.cache import cache
from django.urls import reverse

from api.tests.conftest import bearer
from meetings.models import ActionItem, AgendaItem, Meeting, MeetingFeedback, Note
from people.models import RecordAccess

AGENDA = "PLANTED mentoring agenda"
NOTE = "PLANTED mentoring note"
ACTION = "PLANTED mentoring action"
FEEDBACK = "PLANTED mentoring feedback"
PLANTED = (AGENDA, NOTE, ACTION, FEEDBACK)
NOBODY_ELSE = ["manager", "grand_manager", "mentor_manager", "outsider", "admin_user"]


@pytest.fixture
def content(check_ins, employee, mentor, clock):
    """A held check-in (the first one, a week ago) with everything the two can write on
    it, and the next one to come with an agenda item."""
    meetings = list(check_ins.meetings.order_by("starts_at")[:2])
    held, upcoming = meetings
    clock.move_to(held.ends_at + dt.timedelta(days=1))
    Meeting.objects.filter(pk=held.pk).update(status=Meeting.Status.COMPLETED)
    AgendaItem.objects.create(meeting=held, series=check_ins, author=employee, text=AGENDA)
    AgendaItem.objects.create(meeting=upcoming, series=check_ins, author=employee, text=AGENDA)
    Note.objects.create(
        meeting=held, author=employee, updated_by=employee, visibility="shared", body=NOTE
    )
    ActionItem.objects.create(
        series=check_ins, meeting=held, owner=employee, created_by=mentor, description=ACTION
    )
    MeetingFeedback.objects.create(meeting=held, usefulness=5, help_more=FEEDBACK)
    held.refresh_from_db()
    return held, upcoming


def pages_of(check_ins, held, upcoming) -> list[str]:
    return [
        reverse("meetings:meeting", args=[held.pk]),
        reverse("meetings:meeting", args=[upcoming.pk]),
        reverse("meetings:series", args=[check_ins.pk]),
    ]


@pytest.mark.parametrize("who", ["employee", "mentor"])
def test_the_two_see_everything(client, request, check_ins, content, who):
    held, _ = content
    client.force_login(request.getfixturevalue(who))
    body = client.get(reverse("meetings:meeting", args=[held.pk])).content.decode()
    for text in (AGENDA, NOTE, ACTION, FEEDBACK):
        assert text in body


@pytest.mark.parametrize("who", NOBODY_ELSE)
def test_the_lines_outsiders_and_admins_get_a_404(client, request, check_ins, content, who):
    client.force_login(request.getfixturevalue(who))
    for url in pages_of(check_ins, *content):
        assert client.get(url).status_code == 404, url


def test_hr_sees_times_and_status_only_and_both_are_told(client, hr, check_ins, content):
    client.force_login(hr)
    for url in pages_of(check_ins, *content):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        for text in PLANTED:
            assert text not in body, (url, text)
    people = set(RecordAccess.objects.values_list("person__full_name", flat=True))
    assert people == {"Emma Employee", "Max Mentor"}


@pytest.mark.parametrize("who", ["manager", "grand_manager", "mentor_manager"])
def test_the_line_sees_no_trace_on_its_own_pages(client, request, check_ins, content, who):
    """Team page, home, My 1:1s, the person page: not even the time of a check-in."""
    client.force_login(request.getfixturevalue(who))
    for name in ("meetings:team", "home", "meetings:mine"):
        body = client.get(reverse(name)).content.decode()
        assert "Mentoring check-in" not in body, name
        assert "Max Mentor" not in body or who == "mentor_manager", name
        for text in PLANTED:
            assert text not in body


@pytest.mark.parametrize("who", ["manager", "grand_manager", "mentor_manager", "outsider", "hr"])
def test_the_api_gives_no_content_to_anyone_else(client, request, check_ins, content, who):
    held, _ = content
    headers = bearer(request.getfixturevalue(who))
    meeting = client.get(reverse("api:meeting", args=[held.pk]), headers=headers)
    assert meeting.status_code == (200 if who == "hr" else 404)
    agenda = client.get(reverse("api:agenda", args=[held.pk]), headers=headers)
    assert agenda.status_code == 404
    listed = client.get(reverse("api:meetings"), headers=headers).content.decode()
    assert str(held.pk) not in listed or who == "hr"
    for text in PLANTED:
        assert text not in meeting.content.decode() + agenda.content.decode() + listed


def test_the_api_gives_the_mentee_the_agenda(client, employee, check_ins, content):
    held, _ = content
    agenda = client.get(reverse("api:agenda", args=[held.pk]), headers=bearer(employee))
    assert agenda.status_code == 200 and AGENDA in agenda.content.decode()


def test_the_admin_site_shows_no_content(client, admin_user, mentorship, check_ins, content):
    held, _ = content
    client.force_login(admin_user)
    for url in (
        reverse("admin:meetings_meeting_changelist"),
        reverse("admin:meetings_meeting_change", args=[held.pk]),
        reverse("admin:meetings_meetingseries_change", args=[check_ins.pk]),
        reverse("admin:notifications_reminder_changelist"),
        # The relationship: who, status and dates, as HR sees it (tests/test_admin.py).
        reverse("admin:mentoring_mentorship_changelist"),
        reverse("admin:mentoring_mentorship_change", args=[mentorship.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        for text in PLANTED:
            assert text not in response.content.decode(), (url, text)


@pytest.mark.parametrize(
    "table", ["managers", "trend", "overdue", "no_manager", "no_series", "new_starters"]
)
def test_hr_exports_carry_no_content(client, hr, check_ins, content, table):
    client.force_login(hr)
    response = client.get(reverse("reports:export", args=[table]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content if response.streaming else [response.content])
    for text in PLANTED:
        assert text.encode() not in body


def test_the_managers_own_data_download_has_none_of_it(client, manager, check_ins, content):
    cache.clear()
    client.force_login(manager)
    response = client.post(reverse("privacy:download"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    everything = b"".join(archive.read(name) for name in archive.namelist())
    for text in PLANTED:
        assert text.encode() not in everything
