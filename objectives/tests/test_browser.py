import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import sign_in, sign_out
from objectives.models import Objective, State
from people.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_the_employee_proposes_and_the_manager_confirms(page, transactional_db):
    call_command("seed_demo")
    errors = []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.location.get("url", "").endswith("/favicon.ico")  # the site has none
            and errors.append(f"{message.text} {message.location.get('url')}")
        ),
    )

    sign_in(page, "employee@example.com", DEMO_PASSWORD)
    page.get_by_role("link", name="Objectives", exact=True).click()
    page.get_by_role("link", name="Propose an objective").first.click()
    page.get_by_label("Title").fill("Give a talk at the engineering meet-up")
    page.get_by_label("Description").fill("Twenty minutes on how we test the sign-up flow.")
    page.get_by_label("Due date").fill("2030-06-30")
    page.get_by_label("Contributes to").select_option(
        label="Engineering: Make onboarding self-service"
    )
    page.get_by_role("button", name="Save objective").click()
    page.wait_for_url("**/objectives/*/")
    expect(page.get_by_test_id("state").get_by_text("Proposed")).to_be_visible()
    expect(page.get_by_text("Your proposal is saved")).to_be_visible()
    sign_out(page)

    sign_in(page, "manager@example.com", DEMO_PASSWORD)
    page.get_by_role("link", name="Objectives", exact=True).click()
    page.get_by_role("link", name="Review them").click()
    proposal = page.get_by_test_id("proposal").filter(
        has_text="Give a talk at the engineering meet-up"
    )
    proposal.get_by_role("link", name="Decide").click()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("is now active")).to_be_visible()
    expect(page.get_by_test_id("state").get_by_text("Active")).to_be_visible()

    objective = Objective.objects.get(title="Give a talk at the engineering meet-up")
    assert objective.state == State.ACTIVE
    assert objective.decided_by.email == "manager@example.com"
    assert objective.parent.title == "Make onboarding self-service"

    # The quick progress update works in place (htmx) on the objective page.
    page.get_by_label("Progress (%)").fill("15")
    page.get_by_role("button", name="Save progress").click()
    # The message is inside the swapped fragment: only the htmx answer puts it there.
    fragment = page.locator(f"#objective-quick-{objective.pk} [data-announce]")
    expect(fragment).to_contain_text("Progress saved: 15 %.")
    expect(page.locator("progress").first).to_have_attribute("value", "15")
    objective.refresh_from_db()
    assert objective.progress == 15
    assert errors == []  # e.g. nothing blocked by the Content-Security-Policy
