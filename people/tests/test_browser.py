import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import sign_in
from people.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_demo_manager_signs_in_and_sees_their_reports(page, transactional_db):
    call_command("seed_demo")
    sign_in(page, "manager@example.com", DEMO_PASSWORD)
    reports = page.get_by_test_id("reports")
    for name in ("Emma Clarke", "Sam Okafor", "Priya Nair", "Léo Martin"):
        expect(reports.get_by_text(name)).to_be_visible()
    expect(page.get_by_test_id("signed-in-as")).to_have_text(re.compile(r"^\s*Morgan Reid"))
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
