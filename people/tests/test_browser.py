import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import page_errors, sign_in, sign_out
from people.demo import DEMO_PASSWORD
from people.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def test_demo_manager_signs_in_and_sees_their_reports(page, transactional_db):
    call_command("seed_demo")
    sign_in(page, "manager@example.com", DEMO_PASSWORD)
    expect(page.get_by_test_id("home-next")).to_be_visible()
    # Who reports to whom is on My profile, in the menu under one's name.
    page.get_by_test_id("signed-in-as").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My profile").click()
    reports = page.get_by_test_id("reports")
    for name in ("Emma Clarke", "Sam Okafor", "Priya Nair", "Léo Martin"):
        expect(reports.get_by_text(name)).to_be_visible()
    expect(page.get_by_test_id("signed-in-as")).to_have_text(re.compile(r"^\s*Morgan Reid"))
    sign_out(page)


def test_an_admin_sends_a_reset_email_and_the_person_sees_it_on_their_profile(
    page, transactional_db
):
    UserFactory(full_name="Ada Admin", email="ada@example.org", is_staff=True, is_superuser=True)
    emma = UserFactory(full_name="Emma Employee", email="emma@example.org")
    errors = page_errors(page)
    sign_in(page, "ada@example.org", PASSWORD)
    page.goto(f"/admin/people/user/{emma.pk}/change/")
    expect(page.get_by_text("Nobody can set it for them here")).to_be_visible()
    expect(page.locator("input[name^=password]")).to_have_count(0)
    page.get_by_role("link", name="Send a password-reset email").click()
    page.get_by_role("button", name="Send the email").click()
    expect(
        page.get_by_text("A password-reset email is on its way to emma@example.org")
    ).to_be_visible()
    assert [message.subject for message in mail.outbox] == ["Reset your oneonones password"]

    refused = page.goto(f"/admin/people/user/{emma.pk}/password/")
    assert refused.status == 404
    page.goto("/admin/people/personchange/")
    expect(page.get_by_text("password reset email sent")).to_be_visible()
    expect(page.get_by_role("link", name="Add person change")).to_have_count(0)

    page.get_by_role("button", name="Log out").click()
    sign_in(page, "emma@example.org", PASSWORD)
    page.goto("/people/me/")
    changes = page.get_by_test_id("account-changes")
    expect(changes).to_contain_text("Ada Admin (ada@example.org)")
    expect(changes).to_contain_text("password reset email sent")
    assert errors == [refused.url]  # the one 404 asked for above
