"""The admin site's lists refuse filter values no list can use (oneonones.admin)."""

import pytest
from django.urls import reverse

LISTS = [
    "admin:meetings_meetingseries_changelist",
    "admin:meetings_meeting_changelist",
    "admin:notifications_reminder_changelist",
    "admin:objectives_objective_changelist",
]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(
    "query",
    [
        {"status__exact": "a\x00b"},
        {"q": "a\x00b"},
        {"a\x00b": "1"},
        {"starts_at__year": "9" * 30},
        {"due_at__year": "9999"},
        {"due_date__year": "2026", "due_date__month": "13"},
        {"starts_at__year": "2026", "starts_at__month": "2", "starts_at__day": "²"},
    ],
)
def test_an_unusable_filter_goes_back_to_the_list(client, admin_user, name, query):
    client.force_login(admin_user)
    response = client.get(reverse(name), query)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"] == reverse(name) + "?e=1"


@pytest.mark.parametrize("name", LISTS)
def test_usable_filters_still_work(client, admin_user, name):
    client.force_login(admin_user)
    field = {
        "admin:meetings_meeting_changelist": "starts_at",
        "admin:notifications_reminder_changelist": "due_at",
        "admin:objectives_objective_changelist": "due_date",
    }.get(name)
    query = {"q": "Morgan"}
    if field:
        query.update({f"{field}__year": "2026", f"{field}__month": "3"})
    assert client.get(reverse(name), query).status_code == 200


def test_the_autocomplete_search_refuses_a_nul_byte(client, admin_user):
    client.force_login(admin_user)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "a\x00b",
            "app_label": "objectives",
            "model_name": "objective",
            "field_name": "parent",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"] == []
