"""What the wellbeing services refuse, and how: the one error convention
(``oneonones.errors``), so that no refusal is an error page."""

import pytest
from django.urls import reverse

from oneonones.errors import NotFound, ServiceError
from wellbeing import services
from wellbeing.models import CheckIn, WellbeingNote
from wellbeing.tests.factories import CheckInFactory, WellbeingNoteFactory


def test_changing_someone_elses_check_in_is_not_found(employee, manager):
    checkin = CheckInFactory(employee=employee)
    for change in (services.checkin_share, services.checkin_unshare, services.checkin_delete):
        with pytest.raises(NotFound):
            change(checkin=checkin, by=manager)
    assert CheckIn.objects.filter(pk=checkin.pk, shared_with_manager=False).exists()


def test_sharing_without_a_manager_is_a_refusal_about_the_share_box(outsider):
    with pytest.raises(ServiceError, match="nobody to share it with") as refused:
        services.checkin_create(
            employee=outsider, happiness=3, workload=3, work_life_balance=3, share=True
        )
    assert refused.value.field == "share"
    assert not CheckIn.objects.exists()


def test_an_answer_off_the_scale_is_a_refusal_about_its_field(employee):
    with pytest.raises(ServiceError) as refused:
        services.checkin_create(employee=employee, happiness=9, workload=3, work_life_balance=3)
    assert not isinstance(refused.value, NotFound)
    assert refused.value.field == "happiness"
    assert not CheckIn.objects.exists()


def test_a_note_about_someone_else_s_report_is_not_found(employee, other_manager):
    with pytest.raises(NotFound):
        services.wellbeing_note_create(
            author=other_manager, subject=employee, text="Seemed tired", share=False
        )
    note = WellbeingNoteFactory(author=employee.manager, subject=employee)
    with pytest.raises(NotFound):
        services.wellbeing_note_update(note=note, by=other_manager, text="x", share=True)
    with pytest.raises(NotFound):
        services.wellbeing_note_delete(note=note, by=other_manager)
    assert WellbeingNote.objects.filter(pk=note.pk, shared_with_subject=False).exists()


def test_a_refused_share_is_a_message_on_the_page(client, employee):
    checkin = CheckInFactory(employee=employee)
    employee.manager = None
    employee.save(update_fields=["manager"])
    client.force_login(employee)
    response = client.post(reverse("wellbeing:checkin_share", args=[checkin.pk]), follow=True)
    assert response.status_code == 200
    assert "nobody to share it with" in response.content.decode()
    checkin.refresh_from_db()
    assert not checkin.shared_with_manager
