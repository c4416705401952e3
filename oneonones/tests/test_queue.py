from unittest import mock

from django.db import transaction
from kombu.exceptions import OperationalError

from oneonones.queue import enqueue_on_commit
from people.tasks import clear_expired_sessions


def test_enqueue_waits_for_commit(db, django_capture_on_commit_callbacks):
    with mock.patch.object(clear_expired_sessions, "apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            with transaction.atomic():
                enqueue_on_commit(clear_expired_sessions, 7)
            apply_async.assert_not_called()
        callbacks[0]()
    apply_async.assert_called_once_with(args=(7,), kwargs={}, retry=False)


def test_enqueue_survives_a_dead_broker(db, django_capture_on_commit_callbacks):
    failing = mock.patch.object(
        clear_expired_sessions, "apply_async", side_effect=OperationalError("down")
    )
    with failing as apply_async, django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(clear_expired_sessions)
    apply_async.assert_called_once()


def test_tests_use_their_own_broker_database(settings):
    from oneonones.celery import app

    assert app.conf.broker_url != settings.REDIS_URL
    assert app.conf.broker_url.rsplit("/", 1)[1].isdigit()
    assert int(app.conf.broker_url.rsplit("/", 1)[1]) >= 10
