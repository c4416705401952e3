"""The people selectors name whom they are about; the services refuse with ServiceErrors."""

import pytest

from oneonones.db import read_together
from oneonones.errors import ServiceError
from people import services
from people.selectors import has_reports, has_reports_read, reports_of, user_roles
from people.tests.factories import UserFactory


def test_reports_of_a_manager_are_those_still_here_by_name(manager):
    UserFactory(full_name="Zoe Last", manager=manager)
    UserFactory(full_name="Adam First", manager=manager)
    UserFactory(full_name="Gone Away", manager=manager, is_active=False)
    assert [p.full_name for p in reports_of(manager=manager)] == ["Adam First", "Zoe Last"]
    assert has_reports(person=manager)


def test_someone_whose_reports_have_all_left_manages_nobody(manager, employee):
    employee.is_active = False
    employee.save()
    assert not has_reports(person=manager)
    assert "manager" not in user_roles(viewer=manager)


def test_has_reports_read_is_has_reports(manager, employee):
    """The read a page puts in its own statement answers as ``has_reports`` does: a
    manager with a report here, one whose reports all left, someone with none."""
    loner = UserFactory()
    former_boss = UserFactory()
    UserFactory(manager=former_boss, is_active=False)
    people = {"manager": manager, "employee": employee, "loner": loner, "former": former_boss}
    found = {
        name: read_together({"manages": has_reports_read(person=p)})["manages"]
        for name, p in people.items()
    }
    assert found == {name: has_reports(person=p) for name, p in people.items()}
    assert found == {"manager": True, "employee": False, "loner": False, "former": False}


def test_an_import_that_cannot_be_done_is_a_refusal_listing_every_line(db):
    with pytest.raises(services.PeopleImportError) as refused:
        services.people_import_csv(lines=["email,full_name", "not-an-email,Ann", "b@x.org,"])
    assert isinstance(refused.value, ServiceError)
    assert len(refused.value.errors) == 2
    assert refused.value.message.startswith("Nothing was imported; 2 problem(s)")


def test_no_password_link_for_someone_who_cannot_sign_in(admin_user):
    gone = UserFactory(is_active=False)
    with pytest.raises(ServiceError, match="not active"):
        services.person_send_password_reset(person=gone, by=admin_user)


def test_a_profile_change_is_saved_by_the_service_and_checked_there_too(employee):
    services.profile_update(
        person=employee, full_name=" Emma E. ", job_title="Analyst", time_zone="Asia/Tokyo"
    )
    employee.refresh_from_db()
    assert (employee.full_name, employee.time_zone) == ("Emma E.", "Asia/Tokyo")
    with pytest.raises(ServiceError) as refused:
        services.profile_update(
            person=employee, full_name="Emma", job_title="", time_zone="Mars/Olympus"
        )
    assert refused.value.field == "time_zone"
    employee.refresh_from_db()
    assert employee.time_zone == "Asia/Tokyo"
