"""Visibility is worked out when someone looks: the check-in as it is now."""

from oneonones.db import read_together
from people.tests.factories import UserFactory
from wellbeing.models import CheckIn
from wellbeing.selectors import (
    checkins_visible_to,
    latest_shared_checkin_for,
    latest_shared_checkin_read,
)
from wellbeing.services import checkin_unshare
from wellbeing.tests.factories import CheckInFactory


def test_the_manager_sees_the_latest_shared_not_a_newer_private_one(employee, manager):
    older = CheckInFactory(employee=employee, shared_with_manager=True)
    newer = CheckInFactory(employee=employee, shared_with_manager=True)
    CheckInFactory(employee=employee)  # newest, private
    assert latest_shared_checkin_for(report=employee, viewer=manager) == newer
    assert latest_shared_checkin_for(report=employee, viewer=employee) == newer
    checkin_unshare(checkin=newer, by=employee)
    assert latest_shared_checkin_for(report=employee, viewer=manager) == older
    checkin_unshare(checkin=older, by=employee)
    assert latest_shared_checkin_for(report=employee, viewer=manager) is None


def test_nobody_else_gets_the_latest_shared(
    employee, manager, other_manager, grand_manager, hr, admin_user, outsider
):
    CheckInFactory(employee=employee, shared_with_manager=True)
    for viewer in (other_manager, grand_manager, hr, admin_user, outsider):
        assert latest_shared_checkin_for(report=employee, viewer=viewer) is None
    # A mentor who is not the manager is "anyone else" too.
    assert latest_shared_checkin_for(report=employee, viewer=UserFactory()) is None


def test_a_change_of_manager_moves_the_view(employee, manager):
    shared = CheckInFactory(employee=employee, shared_with_manager=True)
    new_manager = UserFactory()
    employee.manager = new_manager
    employee.save()
    assert latest_shared_checkin_for(report=employee, viewer=manager) is None
    assert latest_shared_checkin_for(report=employee, viewer=new_manager) == shared


def test_a_report_who_left_is_not_visible(employee, manager):
    CheckInFactory(employee=employee, shared_with_manager=True)
    employee.is_active = False
    employee.save()
    assert not checkins_visible_to(viewer=manager).exists()


def test_visibility_goes_down_one_level_only(employee, manager, grand_manager, other_manager):
    own = CheckInFactory(employee=manager)
    report_shared = CheckInFactory(employee=employee, shared_with_manager=True)
    CheckInFactory(employee=employee)
    grand_own = CheckInFactory(employee=grand_manager, shared_with_manager=True)  # upward: never
    CheckInFactory(employee=other_manager.reports.get(), shared_with_manager=True)  # sideways
    assert set(checkins_visible_to(viewer=manager)) == {own, report_shared}
    # The manager's manager sees what the manager shares, not the employee's.
    manager_shared = CheckInFactory(employee=manager, shared_with_manager=True)
    assert set(checkins_visible_to(viewer=grand_manager)) == {grand_own, manager_shared}


def _read_alone(read):
    return read_together({"read": read})["read"]


def test_latest_shared_checkin_read_is_latest_shared_checkin_for(
    employee, manager, other_manager, grand_manager, hr, admin_user, outsider
):
    """What the meeting page reads in its one statement is the selector's answer, for
    every role, as check-ins are shared, unshared and the report leaves."""
    viewers = (employee, manager, other_manager, grand_manager, hr, admin_user, outsider)

    def same_for_everyone():
        for viewer in viewers:
            expected = latest_shared_checkin_for(report=employee, viewer=viewer)
            read = _read_alone(latest_shared_checkin_read(report=employee, viewer=viewer))
            assert read == expected, viewer
            if read is not None:
                assert read.employee is employee
                for field in CheckIn._meta.concrete_fields:
                    name = field.attname
                    assert getattr(read, name) == getattr(expected, name), name

    same_for_everyone()  # nothing yet
    older = CheckInFactory(employee=employee, shared_with_manager=True, note="Older")
    CheckInFactory(employee=employee, shared_with_manager=True, created_at=older.created_at)
    CheckInFactory(employee=employee)  # private
    same_for_everyone()
    checkin_unshare(checkin=older, by=employee)
    same_for_everyone()
    employee.is_active = False
    employee.save()
    same_for_everyone()
