"""The pages: My mentoring (propose, answer, end) and HR's mentoring pairs. Every view
has its outsider test next to its happy path."""

import pytest
from django.urls import reverse

from mentoring.models import Mentorship
from mentoring.tests.factories import MentorshipFactory
from people.models import RecordAccess
from people.tests.factories import UserFactory

S = Mentorship.Status


def test_it_lists_people_found_and_leaves_out_oneself_and_the_line(
    client, employee, manager, mentor
):
    UserFactory(full_name="Maxine Gone", is_active=False)
    client.force_login(employee)
    body = client.get(reverse("mentoring:mine"), {"q": "M"}).content.decode()
    assert f'value="{mentor.pk}"' in body
    assert "Morgan Manager" not in body  # the line manager
    assert "Maxine Gone" not in body
    assert f'name="person" value="{employee.pk}"' not in body


def test_the_page_works_without_a_search(client, employee, django_assert_max_num_queries):
    client.force_login(employee)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("mentoring:mine"))
    assert response.status_code == 200
    assert "No mentoring yet" in response.content.decode()


def test_it_proposes_from_the_search_results(client, employee, mentor):
    client.force_login(employee)
    response = client.post(
        reverse("mentoring:propose"), {"person": mentor.pk, "as_role": "mentee"}, follow=True
    )
    assert "Proposed to Max Mentor" in response.content.decode()
    assert Mentorship.objects.get().status == S.PROPOSED


@pytest.mark.parametrize(
    "data, message",
    [
        ({"as_role": "mentee"}, "Choose a person from the search results."),
        ({"person": "999999", "as_role": "mentee"}, "Choose a person from the search results."),
        ({"person": "x", "as_role": "mentee"}, "Choose a person from the search results."),
    ],
)
def test_bad_proposals_say_why_and_change_nothing(client, employee, data, message):
    client.force_login(employee)
    response = client.post(reverse("mentoring:propose"), data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Mentorship.objects.exists()


def test_a_proposal_with_ones_manager_is_refused_with_a_message(client, employee, manager):
    client.force_login(employee)
    response = client.post(
        reverse("mentoring:propose"), {"person": manager.pk, "as_role": "mentee"}, follow=True
    )
    assert "meet in their 1:1s already" in response.content.decode()
    assert not Mentorship.objects.exists()


def test_the_other_accepts_from_the_page(client, employee, mentor):
    proposal = MentorshipFactory(mentor=mentor, mentee=employee, status=S.PROPOSED)
    client.force_login(mentor)
    page = client.get(reverse("mentoring:mine")).content.decode()
    assert "asks you to be their mentor" in page
    response = client.post(reverse("mentoring:accept", args=[proposal.pk]), follow=True)
    assert "Mentoring with Emma Employee has started." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == S.ACTIVE


def test_the_mentee_sees_a_book_link_and_the_mentor_does_not(client, mentorship, employee, mentor):
    client.force_login(employee)
    body = client.get(reverse("mentoring:mine")).content.decode()
    assert f"/meetings/series/new/?mentor={mentor.pk}" in body
    client.force_login(mentor)
    body = client.get(reverse("mentoring:mine")).content.decode()
    assert "series/new" not in body
    assert "books your check-ins" in body


def test_the_booking_form_offers_the_mentor_with_the_mentoring_template(
    client, mentorship, employee, mentor
):
    client.force_login(employee)
    response = client.get(reverse("meetings:series_new"), {"mentor": mentor.pk})
    form = response.context["form"]
    assert list(form.fields["participant"].queryset) == [mentor]
    assert form.initial["kind"] == "mentoring"
    assert form.fields["default_template"].initial == (
        form.fields["default_template"].queryset.get(builtin_key="mentoring_check_in").pk
    )


def test_a_declined_or_foreign_mentor_id_preselects_nobody(client, employee, outsider):
    client.force_login(employee)
    response = client.get(reverse("meetings:series_new"), {"mentor": outsider.pk})
    assert list(response.context["form"].fields["participant"].queryset) == []


@pytest.mark.parametrize("action", ["accept", "decline", "end"])
@pytest.mark.parametrize("who", ["outsider", "manager", "grand_manager", "mentor_manager"])
def test_others_get_a_404_and_nothing_changes(client, request, employee, mentor, action, who):
    proposal = MentorshipFactory(mentor=mentor, mentee=employee, status=S.PROPOSED)
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse(f"mentoring:{action}", args=[proposal.pk]))
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == S.PROPOSED


def test_a_missing_relationship_is_the_same_404(client, employee):
    client.force_login(employee)
    assert client.post(reverse("mentoring:accept", args=[999999])).status_code == 404


def test_answering_is_post_only(client, employee, mentor):
    proposal = MentorshipFactory(mentor=mentor, mentee=employee, status=S.PROPOSED)
    client.force_login(mentor)
    assert client.get(reverse("mentoring:accept", args=[proposal.pk])).status_code == 405
    proposal.refresh_from_db()
    assert proposal.status == S.PROPOSED


def test_other_peoples_mentoring_is_not_on_my_page(client, mentorship, outsider, manager):
    for person in (outsider, manager):
        client.force_login(person)
        body = client.get(reverse("mentoring:mine")).content.decode()
        assert "Max Mentor" not in body


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("mentoring:mine"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- HR --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["employee", "manager", "outsider", "admin_user", "mentor"])
def test_only_hr_opens_the_pairs_page(client, request, mentorship, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("mentoring:hr")).status_code == 404
    assert client.post(reverse("mentoring:hr_set_up"), {}).status_code == 404
    assert not RecordAccess.objects.exists()


def test_hr_sees_the_pairs_and_each_person_is_told(
    client, hr, mentorship, django_assert_max_num_queries
):
    client.force_login(hr)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("mentoring:hr"))
    body = response.content.decode()
    assert "Max Mentor" in body and "Emma Employee" in body
    assert set(RecordAccess.objects.values_list("person__full_name", "kind")) == {
        ("Max Mentor", "mentoring_pairs"),
        ("Emma Employee", "mentoring_pairs"),
    }


def test_hr_searches_and_sets_up_a_pair(client, hr, employee, mentor):
    client.force_login(hr)
    body = client.get(reverse("mentoring:hr"), {"mentor_q": "Max", "mentee_q": "Emma"}).content
    assert b'name="mentor" value="%d"' % mentor.pk in body
    assert b'name="mentee" value="%d"' % employee.pk in body
    response = client.post(
        reverse("mentoring:hr_set_up"), {"mentor": mentor.pk, "mentee": employee.pk}, follow=True
    )
    assert "Max Mentor now mentors Emma Employee" in response.content.decode()
    assert Mentorship.objects.get().status == S.ACTIVE


def test_hr_cannot_pair_a_manager_with_their_report(client, hr, employee, manager):
    client.force_login(hr)
    response = client.post(
        reverse("mentoring:hr_set_up"), {"mentor": manager.pk, "mentee": employee.pk}, follow=True
    )
    assert "meet in their 1:1s already" in response.content.decode()
    assert not Mentorship.objects.exists()


def test_hr_ends_a_pair_and_returns_to_the_pairs_page(client, hr, mentorship):
    client.force_login(hr)
    response = client.post(reverse("mentoring:end", args=[mentorship.pk]))
    assert response["Location"] == reverse("mentoring:hr")
    mentorship.refresh_from_db()
    assert mentorship.status == S.ENDED
