from officehours import services
from officehours.models import OfficeHours, SignUp
from officehours.tests.conftest import at
from privacy.services import person_anonymise


def test_a_leavers_office_hours_go_and_their_topics_are_removed(
    hours, manager, employee, admin_user
):
    made = services.sign_up(hours=hours, person=employee, starts_at=at(14, 14), topic="Private")
    person_anonymise(person=employee, by=admin_user)
    made.refresh_from_db()
    made.meeting.refresh_from_db()
    assert made.topic == "" and made.meeting.is_cancelled
    assert OfficeHours.objects.filter(host=manager).exists()


def test_a_leaving_hosts_office_hours_are_withdrawn(hours, manager, employee, admin_user):
    made = services.sign_up(hours=hours, person=employee, starts_at=at(14, 14), topic="Kept")
    employee.manager = None
    employee.save(update_fields=["manager"])
    person_anonymise(person=manager, by=admin_user)
    assert not OfficeHours.objects.exists()
    made = SignUp.objects.get(pk=made.pk)
    assert made.meeting.status == "cancelled" and made.topic == "Kept"
