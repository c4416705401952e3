"""The report pages and CSV files: HR only, fixed query counts, filters, no content."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.tests.factories import SeriesFactory
from people.tests.factories import TeamFactory, UserFactory
from reports import selectors, views
from reports.selectors import Period
from reports.tests import scenario
from reports.tests.scenario import PERIOD, meet

PERIOD_QUERY = {"start": PERIOD.first.isoformat(), "end": PERIOD.last.isoformat()}


def urls_of(s) -> list[str]:
    """Every page and CSV file of the reports."""
    return [
        reverse("reports:dashboard"),
        *(reverse("reports:export", args=[t]) for t in ("managers", "trend")),
        *(reverse("reports:export", args=[c]) for c in ("overdue", "no_manager", "no_series")),
        reverse("reports:export", args=["new_starters"]),
        *(reverse("reports:gaps", args=[c]) for c in ("overdue", "no_manager", "no_series")),
        reverse("reports:gaps", args=["new_starters"]),
        reverse("reports:manager", args=[s.mara.pk]),
        reverse("reports:manager_export", args=[s.mara.pk, "reports"]),
        reverse("reports:manager_export", args=[s.mara.pk, "meetings"]),
    ]


def rows_of(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="1-1-')
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# --- Who may see them ------------------------------------------------------------------


def test_it_shows_hr_every_page_and_file(client, s):
    client.force_login(s.hr)
    for url in urls_of(s):
        assert client.get(url, PERIOD_QUERY).status_code == 200, url


@pytest.mark.parametrize("who", ["employee", "manager", "grand_manager", "admin_user", "outsider"])
def test_it_is_not_found_for_everyone_but_hr(client, s, who, request):
    """Managers, their managers, admins and superusers who are not HR all get a 404."""
    client.force_login(request.getfixturevalue(who))
    for url in urls_of(s):
        assert client.get(url).status_code == 404, url


def test_a_superuser_needs_the_hr_role_too(client, s, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("reports:dashboard")).status_code == 404
    admin_user.is_hr = True
    admin_user.save(update_fields=["is_hr"])
    assert client.get(reverse("reports:dashboard")).status_code == 200


def test_hr_who_has_left_is_not_let_in(client, s):
    client.force_login(s.hr)
    s.hr.is_active = False
    s.hr.save(update_fields=["is_active"])
    assert client.get(reverse("reports:dashboard")).status_code in (302, 404)


def test_the_nav_link_is_for_hr_only(client, s, manager):
    client.force_login(s.hr)
    assert b">1:1 reports<" in client.get(reverse("home")).content
    client.force_login(manager)
    assert b">1:1 reports<" not in client.get(reverse("home")).content


def test_a_drill_down_of_someone_without_reports_or_of_nobody_is_not_found(client, s):
    client.force_login(s.hr)
    for pk in (s.rob.pk, s.hr.pk, 10**9):
        assert client.get(reverse("reports:manager", args=[pk])).status_code == 404
    assert client.get(reverse("reports:gaps", args=["everyone"])).status_code == 404
    assert client.get(reverse("reports:export", args=["salaries"])).status_code == 404
    url = reverse("reports:manager_export", args=[s.mara.pk, "notes"])
    assert client.get(url).status_code == 404


def test_the_pages_only_answer_get(client, s):
    client.force_login(s.hr)
    assert client.post(reverse("reports:dashboard")).status_code == 405


# --- What they show --------------------------------------------------------------------


def test_the_dashboard_shows_the_figures(client, s):
    client.force_login(s.hr)
    response = client.get(reverse("reports:dashboard"), PERIOD_QUERY)
    page = response.content.decode()
    mara = response.context["page"].object_list[0]
    assert (mara.name, mara.scheduled, mara.held, mara.cancelled) == ("Mara Moss", 8, 5, 3)
    assert response.context["totals"].scheduled == 11
    assert "1 Mar 2025 to 30 Apr 2025, all teams" in page
    assert 'data-testid="trend-chart"' in page and 'data-testid="trend-table"' in page
    assert reverse("reports:manager", args=[s.mara.pk]) in page
    gaps = {g.category: g for g in response.context["gap_lists"]}
    assert (gaps["overdue"].total, gaps["new_starters"].total) == (5, 3)
    assert "Nia Noor" in page and "not met yet (still within six weeks)" in page
    assert 'style="' not in page and "<script>" not in page  # the CSP allows neither


def test_the_defaults_are_the_last_90_days_and_all_teams(client, s):
    client.force_login(s.hr)
    response = client.get(reverse("reports:dashboard"))
    period = response.context["period"]
    assert (period.days, period.last, response.context["team"]) == (
        90,
        dt.datetime.now(dt.UTC).date(),
        None,
    )
    # Nothing of the scenario's 2025 period falls in the last 90 days but Sue's and Ben's.
    assert response.context["totals"].held == 2


def test_the_filters_are_labelled(client, s):
    client.force_login(s.hr)
    page = client.get(reverse("reports:dashboard")).content.decode()
    for field, label in (("start", "From"), ("end", "To"), ("team", "Team")):
        assert f'<label class="form-label" for="id_{field}">{label}</label>' in page
    assert '<option value="" selected>All teams</option>' in page


def test_the_team_filter(client, s):
    client.force_login(s.hr)
    query = {**PERIOD_QUERY, "team": s.teams["platform"].pk}
    response = client.get(reverse("reports:dashboard"), query)
    assert [(r.name, r.reports) for r in response.context["page"].object_list] == [("Mara Moss", 2)]
    assert ", Platform</h2>" in response.content.decode()


def test_a_bad_filter_says_why_and_shows_the_defaults(client, s):
    client.force_login(s.hr)
    response = client.get(
        reverse("reports:dashboard"), {"start": "2025-05-01", "end": "2025-04-01"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The “From” date must be on or before the “To” date." in page
    assert response.context["period"].days == 90
    response = client.get(reverse("reports:dashboard"), {"start": "yesterday", "team": "x"})
    assert "Enter a valid date." in response.content.decode()
    assert response.context["team"] is None
    response = client.get(reverse("reports:export", args=["managers"]), {"start": "1999-01-01"})
    assert response.status_code == 400
    assert "Pick dates from 1 January 2000 to " in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"end": "9999-12-31"},
        {"start": "9999-12-31"},
        {"start": "9999-12-30", "end": "9999-12-31"},
        {"start": "0001-01-01"},
        {"end": "2000-01-01"},  # its 90 days would start in 1999
    ],
)
def test_a_period_out_of_bounds_says_why_on_every_page(client, s, query):
    client.force_login(s.hr)
    for url in urls_of(s):
        response = client.get(url, query)
        assert response.status_code == (400 if url.endswith(".csv") else 200), url
        if "/gaps/" not in url:  # the gap lists are as of today, whatever the period
            assert "Pick dates from 1 January 2000 to " in response.content.decode(), url


def test_a_period_is_checked_wherever_it_is_made():
    with pytest.raises(ValidationError, match="Pick dates from 1 January 2000 to "):
        Period(first=dt.date(2025, 1, 1), last=dt.date.max)
    with pytest.raises(ValidationError, match="at most three years"):
        Period(first=dt.date(2020, 1, 1), last=dt.date(2024, 1, 1))


@pytest.mark.parametrize("page", ["9" * 30, "2147483648", "99999", "-1", "²"])
def test_a_page_number_past_the_end_shows_an_empty_page(client, s, page):
    client.force_login(s.hr)
    for url in urls_of(s):
        assert client.get(url, {"page": page}).status_code == 200, url


def test_one_end_of_the_period_keeps_90_days(client, s):
    client.force_login(s.hr)
    response = client.get(reverse("reports:dashboard"), {"end": "2025-04-30"})
    assert (response.context["period"].first, response.context["period"].days) == (
        dt.date(2025, 1, 31),
        90,
    )


def test_sorting_managers(client, s):
    client.force_login(s.hr)
    query = {**PERIOD_QUERY, "sort": "cancelled"}
    rows = client.get(reverse("reports:dashboard"), query).context["page"].object_list
    assert [row.name for row in rows] == ["Mara Moss", "Milo Mint"]
    query["sort"] = "met_recently"
    rows = client.get(reverse("reports:dashboard"), query).context["page"].object_list
    assert [row.name for row in rows] == ["Milo Mint", "Mara Moss"]  # 25% before 33%


@pytest.mark.parametrize("sort", list(selectors.SORTS))
def test_the_managers_shown_have_the_figures_of_the_whole_table(client, s, monkeypatch, sort):
    """The median gaps are worked out for the page of managers shown only: every row shown,
    on every page and in every order, is the one of the whole table (``manager_rows``)."""
    monkeypatch.setattr(views, "MANAGERS_PER_PAGE", 1)
    client.force_login(s.hr)
    every = selectors.sorted_rows(rows=selectors.manager_rows(period=PERIOD, team=None), sort=sort)
    assert any(row.median_gap_days is not None for row in every)
    shown = [
        row
        for page in range(1, len(every) + 1)
        for row in client.get(
            reverse("reports:dashboard"), {**PERIOD_QUERY, "sort": sort, "page": page}
        )
        .context["page"]
        .object_list
    ]
    assert shown == every


def test_the_drill_down_lists_dates_and_statuses(client, s):
    client.force_login(s.hr)
    response = client.get(reverse("reports:manager", args=[s.mara.pk]), PERIOD_QUERY)
    page = response.content.decode()
    statuses = [m["status"] for m in response.context["meetings"]]
    assert statuses == [
        "Cancelled by organiser",  # Rita's, 14 April
        "Held",
        "Held",  # moved
        "Held",
        "Cancelled by participant",
        "Cancelled by organiser",
        "Held",  # Rita's, 10 March
        "Held",
    ]
    assert [m["organised_by"] for m in response.context["meetings"]][:2] == ["report", "manager"]
    assert "Every week on Thursday" in page and "No series" in page
    assert "Thu 3 Apr 2025, 09:30" in page  # in the viewer's zone (London)


def test_the_csv_files_hold_the_tables(client, s):
    client.force_login(s.hr)
    managers = rows_of(client.get(reverse("reports:export", args=["managers"]), PERIOD_QUERY))
    assert managers[0] == {
        "Manager": "Mara Moss",
        "Team": "Platform",
        "Reports": "3",
        "Scheduled": "8",
        "Held": "5",
        "Cancelled": "3",
        "Cancelled by organiser": "2",
        "Cancelled by participant": "1",
        "Cancelled: nothing to discuss": "1",
        "Rescheduled": "1",
        "Median days between held 1:1s": "7",
        "Average usefulness (1-5)": "3.5",
        "Agenda items written by reports (%)": "71",
        "Reports met in the last 45 days (%)": "33",
        "Reports with nothing booked (%)": "67",
    }
    trend = rows_of(client.get(reverse("reports:export", args=["trend"])))
    assert len(trend) == 12 and list(trend[0]) == ["Month", "Scheduled", "Held", "Cancelled"]
    overdue = rows_of(client.get(reverse("reports:export", args=["overdue"])))
    assert [row["Person"] for row in overdue][:3] == ["Ned North", "Rita Rowe", "Rob Reed"]
    assert overdue[2]["Last held 1:1"] == "2025-05-01"
    assert overdue[2]["Allowed gap"] == "Series every 7 days: 10.5 days"
    starters = rows_of(client.get(reverse("reports:export", args=["new_starters"])))
    assert [(r["Person"], r["Met within six weeks"]) for r in starters] == [
        ("Nia Noor", "no"),
        ("Ben Bell", "yes"),
        ("Lou Lane", "no"),
    ]
    url = reverse("reports:manager_export", args=[s.mara.pk, "reports"])
    reports = rows_of(client.get(url, PERIOD_QUERY))
    assert [
        (r["Report"], r["Series"], r["Held"], r["Average usefulness (1-5)"]) for r in reports
    ] == [
        ("Ned North", "none", "0", ""),
        ("Rita Rowe", "Every week on Tuesday (paused)", "1", "2"),
        ("Rob Reed", "Every week on Thursday", "4", "4"),
    ]
    url = reverse("reports:manager_export", args=[s.mara.pk, "meetings"])
    meetings = rows_of(client.get(url, PERIOD_QUERY))
    assert meetings[2] == {
        "Date": "2025-04-03",
        "Time": "09:30",
        "Report": "Rob Reed",
        "Organised by": "manager",
        "Status": "Held",
        "Moved from": "2025-04-02 09:30",
    }


def test_a_name_is_never_a_formula_in_a_csv_file(client, s):
    s.mara.full_name = "=HYPERLINK(1)"
    s.mara.save(update_fields=["full_name"])
    client.force_login(s.hr)
    body = client.get(reverse("reports:export", args=["managers"])).content.decode()
    assert "'=HYPERLINK(1)" in body


def test_gap_pages_page_through_the_list(client, s, monkeypatch):
    from reports import views

    monkeypatch.setattr(views, "GAPS_PER_PAGE", 2)
    client.force_login(s.hr)
    url = reverse("reports:gaps", args=["overdue"])
    response = client.get(url, {"page": 2})
    assert [row.name for row in response.context["rows"]] == ["Rob Reed", "Lou Lane"]
    page = response.content.decode()
    assert "Page 2 of 3" in page and "?page=3" in page and "?page=1" in page
    assert "There is no page 9" in client.get(url, {"page": 9}).content.decode()
    assert client.get(url, {"page": "x"}).context["page"].number == 1


def test_an_empty_organisation_gets_friendly_empty_states(client, hr):
    client.force_login(hr)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-testid="no-managers"' in page
    assert "Nobody. Good." in page
    assert (
        'data-testid="empty-gap"'
        in client.get(reverse("reports:gaps", args=["overdue"])).content.decode()
    )


# --- Content never shows ---------------------------------------------------------------

SECRET = "ZQX-SECRET"


def test_no_content_appears_in_any_page_or_file(client, s):
    """Notes and reasons of meetings, objectives and wellbeing are planted everywhere
    with a marker that must appear nowhere in the reports."""
    from meetings.models import MeetingFeedback, Note
    from meetings.tests.factories import ActionItemFactory, AgendaItemFactory, NoteFactory
    from objectives.tests.factories import CommentFactory, ObjectiveFactory
    from wellbeing.tests.factories import CheckInFactory, WellbeingNoteFactory

    for meeting in s.meetings.values():
        meeting.cancel_note = f"{SECRET} cancel note"
        meeting.reschedule_note = f"{SECRET} reschedule note"
        meeting.location = f"{SECRET} location"
        meeting.save(update_fields=["cancel_note", "reschedule_note", "location"])
        AgendaItemFactory(meeting=meeting, text=f"{SECRET} agenda item")
        NoteFactory(meeting=meeting, body=f"{SECRET} shared note")
        NoteFactory(
            meeting=meeting,
            author=meeting.participant,
            visibility=Note.Visibility.PRIVATE,
            body=f"{SECRET} private note",
        )
        ActionItemFactory(meeting=meeting, description=f"{SECRET} action")
        if meeting.status == "completed":
            MeetingFeedback.objects.update_or_create(
                meeting=meeting, defaults={"usefulness": 4, "help_more": f"{SECRET} feedback"}
            )
    for person in (s.rob, s.rita, s.sue):
        objective = ObjectiveFactory(
            owner=person, title=f"{SECRET} title", description=f"{SECRET} description"
        )
        CommentFactory(objective=objective, body=f"{SECRET} comment")
        CheckInFactory(employee=person, note=f"{SECRET} check-in", shared_with_manager=True)
        WellbeingNoteFactory(author=person.manager, subject=person, text=f"{SECRET} note")
    client.force_login(s.hr)
    for url in urls_of(s):
        for query in ({}, PERIOD_QUERY):
            content = client.get(url, query).content.decode()
            assert SECRET not in content, url
            assert "Away (leave" not in content  # not even the reason people gave


# --- Queries ---------------------------------------------------------------------------


def grow(organisation: int) -> None:
    """``organisation`` more managers, each with three reports, series and meetings."""
    team = TeamFactory(name=f"Grown {organisation}")
    for number in range(organisation):
        boss = UserFactory(team=team)
        for report_number in range(3):
            report = UserFactory(team=team, manager=boss)
            series = SeriesFactory(organiser=boss, participant=report)
            for week in range(3):
                start = scenario.local("2025-03-03", "09:00") + dt.timedelta(
                    weeks=week, hours=report_number, minutes=number
                )
                meet(boss, report, start, series=series, slot=start)


def queries_of(client, url, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "page",
    ["dashboard", "gaps", "manager", "export", "gaps_export", "manager_export", "meetings_export"],
)
def test_the_query_count_does_not_grow_with_the_organisation(client, s, page):
    client.force_login(s.hr)
    url = {
        "dashboard": reverse("reports:dashboard"),
        "gaps": reverse("reports:gaps", args=["overdue"]),
        "manager": reverse("reports:manager", args=[s.mara.pk]),
        "export": reverse("reports:export", args=["managers"]),
        "gaps_export": reverse("reports:export", args=["no_series"]),
        "manager_export": reverse("reports:manager_export", args=[s.mara.pk, "reports"]),
        "meetings_export": reverse("reports:manager_export", args=[s.mara.pk, "meetings"]),
    }[page]
    query = PERIOD_QUERY
    before = queries_of(client, url, query)
    grow(4)
    # More reports for Mara too, so the drill-down grows as well.
    for _ in range(3):
        report = UserFactory(manager=s.mara, team=s.teams["sales"])
        meet(s.mara, report, scenario.local("2025-03-04", "16:00") + dt.timedelta(days=_))
    assert queries_of(client, url, query) == before


@pytest.mark.parametrize(
    ("name", "most"),
    # Session, user, nav, teams; then each report statement with its settings, and one
    # INSERT recording whose figures HR looked at (people.services.record_access).
    [("dashboard", 13), ("gaps", 9), ("manager", 12)],
)
def test_each_page_makes_few_queries(client, s, django_assert_max_num_queries, name, most):
    client.force_login(s.hr)
    args = {"dashboard": [], "gaps": ["overdue"], "manager": [s.mara.pk]}[name]
    with django_assert_max_num_queries(most) as captured:
        client.get(reverse(f"reports:{name}", args=args), PERIOD_QUERY)
    assert [q["sql"][:32] for q in captured if q["sql"].startswith("INSERT")] == [
        'INSERT INTO "people_recordaccess'
    ]
