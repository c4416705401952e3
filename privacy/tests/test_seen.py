"""What HR and my organisation can see about me: one's own page, read from the same
declarations the pages showing those fields use."""

import dataclasses
import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.test import RequestFactory
from django.urls import reverse

from meetings.record.selectors import MeetingRecord
from objectives.models import Objective
from objectives.selectors import CONVERSATION_PARTS, DETAIL_PARTS, FACT_FIELDS
from people.selectors import DIRECTORY_FIELDS
from privacy.selectors import RECORD_PARTS, seen_by_others
from reports.exports import MANAGER_HEADER, MEETING_HEADER, REPORT_HEADER
from wellbeing.models import PublishedMonth, TeamMonthFigures
from wellbeing.tests.factories import CheckInFactory

URL = reverse("privacy:seen")


def audience(page, key):
    return next(a for a in page.audiences if a.key == key)


def item(audience, what):
    return next(i for i in audience.items if i.what == what)


def request_of(person):
    request = RequestFactory().get(URL)
    request.user = person
    return request


def seen_for(person):
    return seen_by_others(viewer=person, request=request_of(person))


def label(name):
    return str(Objective._meta.get_field(name).verbose_name)


@pytest.mark.parametrize(
    "role", ["employee", "manager", "grand_manager", "other_manager", "hr", "admin_user"]
)
def test_everyone_sees_their_own_page(client, role, request, employee, grand_manager):
    person = request.getfixturevalue(role)
    client.force_login(person)
    response = client.get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "What HR and my organisation can see about me" in text
    # Whose line: only their own, by name.
    if person.manager_id:
        assert f"Your manager, {person.manager.full_name}" in text
    else:
        assert "Your manager," not in text


def test_the_page_takes_no_one_elses_id(client, employee, manager):
    """Nothing to ask for about someone else: the address has no id."""
    client.force_login(manager)
    text = client.get(URL, {"person": employee.pk, "pk": employee.pk}).content.decode()
    assert "Your manager," not in text  # Morgan's own page: Morgan has no manager here


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_is_linked_from_my_profile(client, employee):
    client.force_login(employee)
    text = client.get(reverse("people:profile")).content.decode()
    assert URL in text
    assert reverse("privacy:download") in text


def test_hr_sees_the_objective_facts_the_objective_pages_give_them(employee, grand_manager):
    page = seen_for(employee)
    hr_objectives = item(audience(page, "hr"), "Your objectives").fields
    assert [label(name) for name in FACT_FIELDS] == list(hr_objectives[: len(FACT_FIELDS)])
    for part in (*DETAIL_PARTS.values(), *CONVERSATION_PARTS.values()):
        assert part not in hr_objectives
    for key in ("manager", "grand_manager"):
        line = item(audience(page, key), "Your objectives").fields
        for part in (*DETAIL_PARTS.values(), *CONVERSATION_PARTS.values()):
            assert part in line


def test_the_reports_columns_are_the_csv_columns(employee, manager):
    hr = audience(seen_for(employee), "hr")
    assert item(hr, "Your 1:1 figures in HR's 1:1 reports, as a report").fields == REPORT_HEADER
    assert item(hr, "Your 1:1s, in HR's list of your manager's 1:1s").fields == MEETING_HEADER
    assert "Your figures as a manager" not in [i.what for i in hr.items]
    hr_of_manager = audience(seen_for(manager), "hr")
    assert item(hr_of_manager, "Your figures as a manager").fields == MANAGER_HEADER


def test_the_people_page_fields_are_its_own(client, employee, hr):
    employee.job_title = "Engineer"
    employee.start_date = dt.date(2024, 1, 8)
    employee.save()
    page_fields = item(audience(seen_for(employee), "hr"), "Your page in the people directory")
    assert page_fields.fields[1:-1] == tuple(label for _, label in DIRECTORY_FIELDS)
    client.force_login(hr)
    shown = client.get(reverse("people:person", args=[employee.pk])).content.decode()
    for _, field_label in DIRECTORY_FIELDS:
        assert f">{field_label}</dt>" in shown


def test_the_admin_fields_are_the_admin_sites(employee):
    request = request_of(employee)
    admins = item(audience(seen_for(employee), "admin"), "Your objectives").fields
    objective_admin = admin.site.get_model_admin(Objective)
    assert admins == tuple(
        label(name) for name in flatten_fieldsets(objective_admin.get_fieldsets(request))
    )
    assert len(admins) == len(FACT_FIELDS)
    assert label("description") not in admins


def test_the_admins_office_hours_and_mentoring_fields_are_the_admin_sites(employee):
    from mentoring.models import Mentorship
    from officehours.admin import SignUpInline
    from officehours.models import OfficeHours

    admins = audience(seen_for(employee), "admin")
    for model, what in (
        (OfficeHours, "Your office hours, as their host"),
        (Mentorship, "Your mentoring relationships"),
    ):
        model_admin = admin.site.get_model_admin(model)
        shown = flatten_fieldsets(model_admin.get_fieldsets(request_of(employee)))
        assert len(item(admins, what).fields) == len(shown) > 5, what
    sign_ups = item(admins, "Your sign-ups to office hours, on the host's page").fields
    assert sign_ups == ("Signed up", "Slot", "Status", "created at")
    assert len(sign_ups) == len(SignUpInline.fields)
    assert "topic" not in sign_ups
    assert "mentor" in item(admins, "Your mentoring relationships").fields


def test_office_hours_and_mentoring_as_the_line_and_hr_see_them(
    client, employee, manager, grand_manager, hr
):
    from mentoring.selectors import HR_PAIR_COLUMNS
    from mentoring.tests.factories import MentorshipFactory

    MentorshipFactory(mentee=employee)
    page = seen_for(employee)
    for key in ("manager", "grand_manager"):
        line = audience(page, key)
        assert item(line, "Your sign-ups to someone's office hours").fields == (
            "starts at",
            "ends at",
            "status",
            "kind",
        )
        assert item(line, "Your mentoring").fields == ()
    pairs = item(
        audience(page, "hr"), "Your mentoring relationships, on HR's “Mentoring pairs” page"
    )
    assert pairs.fields == HR_PAIR_COLUMNS
    # The columns are the HR page's own.
    client.force_login(hr)
    html = client.get(reverse("mentoring:hr")).content.decode()
    for column in HR_PAIR_COLUMNS:
        assert f">{column}</th>" in html
    client.force_login(employee)
    text = client.get(URL).content.decode()
    assert "Your sign-ups to someone&#x27;s office hours" in text
    assert "never the topic you gave" in text


def test_the_admins_account_fields_are_those_of_a_persons_page(employee):
    request = request_of(employee)
    account = item(audience(seen_for(employee), "admin"), "Your account").fields
    user_admin = admin.site.get_model_admin(type(employee))
    shown = flatten_fieldsets(user_admin.get_fieldsets(request, employee))
    assert len(account) == len(shown) > 10
    assert "manager" in account and "email address" in account
    assert "Password" in account  # whether one is chosen: the admin shows nothing more


@pytest.mark.parametrize(
    "role", ["employee", "manager", "grand_manager", "other_manager", "hr", "admin_user"]
)
def test_it_lists_fields_never_content(client, role, request, world):
    from privacy.tests import conftest as planted

    client.force_login(request.getfixturevalue(role))
    text = client.get(URL).content.decode()
    for words in (
        *planted.EMMAS_WORDS,
        planted.SHARED_NOTE,
        planted.MORGAN_PRIVATE,
        planted.OBJECTIVE_DESCRIPTION,
        planted.WELLBEING_NOTE,
    ):
        assert words not in text


def test_every_part_of_a_meetings_record_is_named():
    assert {f.name for f in dataclasses.fields(MeetingRecord)} == set(RECORD_PARTS)


def test_the_manager_sees_the_record_but_not_my_private_notes(employee, manager):
    record = item(audience(seen_for(employee), "manager"), "Your 1:1s with them").fields
    assert RECORD_PARTS["shared_note"] in record
    assert RECORD_PARTS["private_note"] not in record


def test_the_wellbeing_figures_i_count_in(client, employee, manager, team, other_manager):
    month = dt.date(2026, 3, 1)
    moment = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
    CheckInFactory(employee=employee, created_at=moment)
    published = PublishedMonth.objects.create(month=month)
    TeamMonthFigures.objects.create(month=published, team=team, people=5, members=6)
    client.force_login(employee)
    text = client.get(URL).content.decode()
    assert "March 2026" in text and "Platform" in text
    # Someone else of another team counts in no figure.
    client.force_login(other_manager)
    assert "March 2026" not in client.get(URL).content.decode()


def test_queries_stay_few(client, employee, grand_manager, django_assert_max_num_queries):
    client.force_login(employee)
    with django_assert_max_num_queries(15):
        client.get(URL)
