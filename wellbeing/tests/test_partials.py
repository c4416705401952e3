"""The pieces another page (the 1:1 meeting page) can include."""

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from wellbeing.forms import CheckInForm
from wellbeing.models import CheckIn
from wellbeing.selectors import latest_shared_checkin_for
from wellbeing.tests.factories import CheckInFactory

PAGE = Template(
    "{% include 'wellbeing/includes/checkin_panel.html' with checkin=checkin report=report %}"
    "{% include 'wellbeing/includes/checkin_form_compact.html' with checkin_form=form next_url=next_url %}"
    '<form><label for="id_note">Meeting note</label><textarea id="id_note"></textarea></form>'
)


def render(viewer, report, *, next_url="/meetings/7/"):
    request = RequestFactory().get(next_url)
    request.user = viewer
    context = {
        "request": request,
        "user": viewer,
        "checkin": latest_shared_checkin_for(report=report, viewer=viewer),
        "report": report,
        "form": CheckInForm(),
        "next_url": next_url,
        "csrf_token": "token",
    }
    return PAGE.render(Context(context))


def test_the_panel_shows_the_latest_shared_check_in_to_the_manager(employee, manager):
    CheckInFactory(
        employee=employee, note="shared and current", workload=4, shared_with_manager=True
    )
    CheckInFactory(employee=employee, note="private and newer")
    html = render(manager, employee)
    assert "shared and current" in html
    assert "a bit too much" in html
    assert "private and newer" not in html
    assert "How Emma is" in html


def test_the_panel_has_an_empty_state(employee, manager):
    html = render(manager, employee)
    assert "No check-in shared yet." in html
    html = render(employee, employee)
    assert "No check-in shared with your manager yet." in html


def test_the_compact_form_has_labelled_fields_that_do_not_clash(employee):
    html = render(employee, employee)
    assert html.count("<fieldset") == 3 and html.count("<legend") == 3
    for value in range(1, 6):
        assert f'id="id_checkin_happiness_{value - 1}"' in html
        assert f'for="id_checkin_happiness_{value - 1}"' in html
    assert 'for="id_checkin_note"' in html and 'for="id_checkin_share"' in html
    # The host page's own "id_note" stays unique.
    assert html.count('id="id_note"') == 1
    assert 'name="next" value="/meetings/7/"' in html
    assert f'action="{reverse("wellbeing:checkin_create")}"' in html


def test_the_compact_form_posts_and_comes_back(client, employee):
    client.force_login(employee)
    response = client.post(
        reverse("wellbeing:checkin_create"),
        {
            "happiness": "3",
            "workload": "4",
            "work_life_balance": "3",
            "share": "on",
            "next": "/meetings/7/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/meetings/7/"
    assert CheckIn.objects.get().shared_with_manager
