import pytest
from django.core.management import call_command

from conftest import sign_in
from people.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_demo_manager_signs_in_and_sees_their_reports(page, transactional_db):
    call_command("seed_demo")
    sign_in(page, "manager@example.com", DEMO_PASSWORD)
    reports = page.get_by_test_id("reports")
    for name in ("Emma Clarke", "Sam Okafor", "Priya Nair", "Léo Martin"):
        assert reports.get_by_text(name).is_visible()
    assert page.get_by_test_id("signed-in-as").inner_text().startswith("Morgan Reid")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
