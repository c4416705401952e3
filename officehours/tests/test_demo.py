import io

from django.core.management import call_command

from meetings.models import Kind, Meeting
from officehours.models import OfficeHours, SignUp


def test_seed_demo_opens_office_hours_and_signs_the_employee_up_once(db):
    call_command("seed_demo", stdout=io.StringIO())
    assert set(OfficeHours.objects.values_list("host__email", "audience")) == {
        ("manager@example.com", "team"),
        ("director@example.com", "anyone"),
    }
    sign_up = SignUp.objects.get()
    assert sign_up.meeting.participant.email == "employee@example.com"
    assert sign_up.meeting.kind == Kind.OFFICE_HOURS
    call_command("seed_demo", stdout=io.StringIO())
    assert OfficeHours.objects.count() == 2
    assert SignUp.objects.count() == 1
    assert Meeting.objects.filter(kind=Kind.OFFICE_HOURS).count() == 1
