"""Mentoring relationships in the admin site: who mentors whom, who proposed it, its
status and dates, as HR sees them; never what the pair wrote in a check-in; read-only;
each look recorded for both people."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from meetings.models import Note
from meetings.record import services as record_services
from people.models import RecordAccess
from people.tests.factories import UserFactory

SAID = "CHECKIN-Whimbrel-5530"


def pages(mentorship) -> list[str]:
    changelist = reverse("admin:mentoring_mentorship_changelist")
    return [
        changelist,
        f"{changelist}?q=Max",
        f"{changelist}?q=Whimbrel",
        f"{changelist}?status=active",
        reverse("admin:mentoring_mentorship_change", args=[mentorship.pk]),
        reverse("admin:mentoring_mentorship_history", args=[mentorship.pk]),
    ]


def test_the_admin_shows_the_pair_and_never_their_check_ins(
    client, admin_user, mentorship, check_ins, employee, mentor
):
    check_in = check_ins.meetings.order_by("starts_at").first()
    record_services.agenda_item_add(meeting=check_in, by=employee, text=f"{SAID} agenda")
    Note.objects.create(
        meeting=check_in, author=mentor, visibility=Note.Visibility.SHARED, body=f"{SAID} note"
    )
    client.force_login(admin_user)
    for url in pages(mentorship):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SAID not in response.content.decode(), url
    html = client.get(pages(mentorship)[4]).content.decode()
    assert "Max Mentor" in html and "Emma Employee" in html and "Active" in html
    assert client.get(pages(mentorship)[1]).context["cl"].result_count == 1
    assert client.get(pages(mentorship)[2]).context["cl"].result_count == 0


def test_it_is_read_only(client, admin_user, mentorship):
    client.force_login(admin_user)
    assert client.get(reverse("admin:mentoring_mentorship_add")).status_code == 403
    delete = reverse("admin:mentoring_mentorship_delete", args=[mentorship.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(pages(mentorship)[4], {"status": "ended"})
    mentorship.refresh_from_db()
    assert mentorship.status == "active"


def test_looks_are_recorded_for_both(client, admin_user, mentorship):
    client.force_login(admin_user)
    client.get(pages(mentorship)[4])
    assert set(RecordAccess.objects.values_list("person__full_name", "kind")) == {
        ("Max Mentor", RecordAccess.Kind.ADMIN_MENTORING),
        ("Emma Employee", RecordAccess.Kind.ADMIN_MENTORING),
    }


def test_staff_without_the_permission_see_nothing(client, mentorship):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename="view_meeting"))
    client.force_login(staff)
    for url in pages(mentorship):
        assert client.get(url).status_code == 403, url
    assert not RecordAccess.objects.exists()
