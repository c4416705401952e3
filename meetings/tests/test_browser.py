import datetime as dt
import itertools
import re

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from conftest import sign_in
from meetings.models import MeetingSeries
from oneonones.celery import app
from people.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker in a thread, on the real broker, with an empty queue."""
    app.control.purge()
    with start_worker(app, perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


def test_the_demo_manager_books_a_fortnightly_series_and_sees_six_months(
    page, transactional_db, celery_worker
):
    call_command("seed_demo")
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "manager@example.com", DEMO_PASSWORD)

    # Léo's monthly 1:1 becomes fortnightly: end the old series, book a new one.
    page.get_by_role("link", name="My team").click()
    page.get_by_role("link", name=re.compile(r"^Monthly on the first Tuesday")).click()
    page.get_by_role("button", name="End the series").click()
    page.get_by_text("Ended.").wait_for()

    page.get_by_role("link", name="My team").click()
    page.get_by_role("link", name="Book a recurring 1:1 with Léo Martin").click()
    expect(page.get_by_label("With")).not_to_have_value("")
    page.get_by_label("Every 2 weeks").check()
    page.get_by_label("Day of the week").select_option(label="Friday")
    page.get_by_label("Start time").fill("11:00")
    page.get_by_label("Room, link or place").fill("https://video.example.com/leo")
    # The preview is fetched again on each change: wait for the one of the last change.
    preview = page.get_by_test_id("series-preview").locator("li")
    expect(preview).to_have_text([re.compile(r"^\s*Fri .*, 11:00")] * 6, timeout=20_000)

    page.get_by_role("button", name="Book the 1:1s").click()
    page.wait_for_url(re.compile(r"/meetings/series/\d+/$"))
    expect(page.get_by_test_id("cadence")).to_contain_text(
        "Every 2 weeks on Friday at 11:00 (Europe/London), 30 min"
    )
    # The worker books the next six months (in one transaction); the page shows them
    # as soon as it has.
    rows = page.get_by_test_id("upcoming").get_by_test_id("meeting-row")
    expect(rows.nth(11)).to_be_visible(timeout=30_000)
    series = MeetingSeries.objects.get(participant__email="leo.martin@example.com", status="active")
    starts = [m.starts_at for m in series.meetings.order_by("starts_at")]
    assert 12 <= len(starts) <= 14
    expect(rows).to_have_text([re.compile(r"^\s*Fri .*11:00")] * len(starts))
    assert {b - a for a, b in itertools.pairwise(starts)} <= {
        dt.timedelta(days=14),
        dt.timedelta(days=14, hours=1),
        dt.timedelta(days=14, hours=-1),
    }
    assert starts[-1] > timezone.now() + dt.timedelta(days=160)
