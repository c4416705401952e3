"""HR's reports record, for each person a page or file names, that HR looked at their
1:1 figures: one INSERT per page, whoever and however many it lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import RecordAccess
from people.tests.factories import UserFactory
from reports.tests.scenario import PERIOD

PERIOD_QUERY = {"start": PERIOD.first.isoformat(), "end": PERIOD.last.isoformat()}


def looked_at(viewer, kind: str) -> set[str]:
    return set(
        RecordAccess.objects.filter(viewer=viewer, kind=kind).values_list(
            "person__full_name", flat=True
        )
    )


def inserts(captured) -> list[str]:
    return [q["sql"] for q in captured if q["sql"].startswith("INSERT INTO")]


def get(client, url, query=PERIOD_QUERY):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200, url
    return captured


def test_the_manager_drill_down_records_the_manager_and_every_report(client, s):
    client.force_login(s.hr)
    captured = get(client, reverse("reports:manager", args=[s.mara.pk]))
    assert len(inserts(captured)) == 1
    assert looked_at(s.hr, "report_manager") == {"Mara Moss", "Rob Reed", "Rita Rowe", "Ned North"}


def test_a_drill_down_of_a_hundred_reports_is_one_insert(client, s):
    for _ in range(100):
        UserFactory(manager=s.mara, team=s.teams["platform"])
    client.force_login(s.hr)
    captured = get(client, reverse("reports:manager", args=[s.mara.pk]))
    assert len(inserts(captured)) == 1
    assert RecordAccess.objects.filter(viewer=s.hr).count() == 104


def test_the_gap_lists_record_the_people_on_the_page(client, s):
    client.force_login(s.hr)
    get(client, reverse("reports:gaps", args=["new_starters"]), {})
    assert looked_at(s.hr, "report_gaps") == {"Nia Noor", "Ben Bell", "Lou Lane"}


def test_the_dashboard_records_the_managers_and_the_gap_lists_shown(client, s):
    client.force_login(s.hr)
    captured = get(client, reverse("reports:dashboard"))
    assert len(inserts(captured)) == 1
    shown = looked_at(s.hr, "report_dashboard")
    assert {"Mara Moss", "Milo Mint", "Nia Noor"} <= shown
    assert "Hana HR" not in shown


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["managers"], {"Mara Moss", "Milo Mint"}),
        (["new_starters"], {"Nia Noor", "Ben Bell", "Lou Lane"}),
        (["trend"], set()),
    ],
)
def test_the_csv_files_record_the_people_they_name(client, s, args, named):
    client.force_login(s.hr)
    captured = get(client, reverse("reports:export", args=args), {})
    assert len(inserts(captured)) == (1 if named else 0)
    assert looked_at(s.hr, "report_export") >= named
    if not named:
        assert looked_at(s.hr, "report_export") == set()


@pytest.mark.parametrize("table", ["reports", "meetings"])
def test_a_managers_csv_files_record_the_manager_and_the_reports(client, s, table):
    client.force_login(s.hr)
    get(client, reverse("reports:manager_export", args=[s.mara.pk, table]))
    assert looked_at(s.hr, "report_export") >= {"Mara Moss", "Rob Reed", "Rita Rowe"}


def test_hr_who_manages_someone_is_in_their_line(client, s):
    """HR's own reports (and their reports) are HR's line: not recorded."""
    s.rob.manager = s.hr
    s.rob.save(update_fields=["manager"])
    client.force_login(s.hr)
    get(client, reverse("reports:export", args=["managers"]), {})
    assert "Rob Reed" not in looked_at(s.hr, "report_export")


@pytest.mark.parametrize("who", ["mara", "rob", "admin_user", "outsider"])
def test_nobody_else_opens_the_reports_nor_leaves_a_record(client, s, request, who):
    viewer = request.getfixturevalue(who) if who in ("admin_user", "outsider") else s.people[who]
    client.force_login(viewer)
    for url in (
        reverse("reports:dashboard"),
        reverse("reports:manager", args=[s.mara.pk]),
        reverse("reports:export", args=["managers"]),
    ):
        assert client.get(url).status_code == 404
    assert not RecordAccess.objects.exists()


def test_anonymous_visitors_leave_no_record(client, s):
    assert client.get(reverse("reports:manager", args=[s.mara.pk])).status_code == 302
    assert not RecordAccess.objects.exists()
