"""HR's line 1:1 figures leave mentoring out, and HR sees mentoring's cadence apart.

The line figures were pair-based already (a report and their current manager), and a
mentor is never one's line manager; the trend counted every meeting, and now counts
line meetings only (reports.0002). Comparing every figure of every report statement
before and after a mentoring pair's check-ins exist proves both."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from meetings.models import Kind, Meeting, MeetingFeedback
from meetings.tests.factories import AgendaItemFactory
from mentoring import selectors
from mentoring.tests.factories import MentorshipFactory
from reports import selectors as reports
from reports.tests import scenario
from reports.tests.scenario import local, meet


def add_mentoring(s) -> list[Meeting]:
    """Milo (Sales manager) mentors Rob (Mara's report): check-ins Rob booked, in the
    period and lately, held, cancelled and to come, with agenda items and ratings."""
    MentorshipFactory(mentor=s.milo, mentee=s.rob)
    now = timezone.now()
    rows = [
        meet(s.rob, s.milo, local("2025-03-12", "16:00"), kind=Kind.MENTORING),
        meet(s.rob, s.milo, local("2025-04-09", "16:00"), kind=Kind.MENTORING),
        meet(
            s.rob,
            s.milo,
            local("2025-04-23", "16:00"),
            Meeting.Status.CANCELLED,
            cancelled_by=s.rob,
            kind=Kind.MENTORING,
        ),
        meet(s.rob, s.milo, now - dt.timedelta(days=3), kind=Kind.MENTORING),
        meet(
            s.rob, s.milo, now + dt.timedelta(days=4), Meeting.Status.SCHEDULED, kind=Kind.MENTORING
        ),
    ]
    for meeting in rows[:2]:
        MeetingFeedback.objects.create(meeting=meeting, usefulness=1)
        AgendaItemFactory(meeting=meeting, author=s.rob)
        AgendaItemFactory(meeting=meeting, author=s.milo)
    return rows


def test_line_figures_are_identical_with_a_mentoring_pair(db):
    s = scenario.build()
    before = scenario.everything(s)
    add_mentoring(s)
    assert scenario.everything(s) == before
    assert reports.months_kept_wrong() == []


def test_the_same_meetings_as_line_meetings_would_count(db):
    """The comparison above sees mentoring: labelled as line 1:1s, the same rows move
    the trend."""
    s = scenario.build()
    before = reports.trend(team=None, today=scenario.TREND_TODAY)
    Meeting.objects.filter(pk__in=[m.pk for m in add_mentoring(s)]).update(kind=Kind.ONE_TO_ONE)
    assert reports.trend(team=None, today=scenario.TREND_TODAY) != before


def test_hr_sees_mentoring_cadence_as_its_own_figures(client, db):
    s = scenario.build()
    add_mentoring(s)
    figures = selectors.mentoring_figures(viewer=s.hr)
    assert (figures.active_pairs, figures.proposed_pairs, figures.pairs_met_recently) == (1, 0, 1)
    assert (figures.scheduled, figures.held, figures.cancelled) == (1, 1, 0)
    [pair] = selectors.mentorships_for_hr(viewer=s.hr)
    assert pair.held_recently == 1 and pair.next_at is not None
    client.force_login(s.hr)
    body = client.get(reverse("mentoring:hr")).content.decode()
    assert "Rob Reed" in body and "Milo Mint" in body
