import datetime as dt
import os
import subprocess
import sys

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from oneonones.celery import app
from wellbeing.models import CheckIn
from wellbeing.services import checkins_delete_expired
from wellbeing.tasks import delete_expired_checkins
from wellbeing.tests.factories import CheckInFactory


def test_the_default_is_24_months(settings):
    assert settings.WELLBEING_RETENTION_MONTHS == 24


def test_it_deletes_check_ins_past_the_retention_period(employee, settings):
    settings.WELLBEING_RETENTION_MONTHS = 24
    now = timezone.now()
    limit = now - relativedelta(months=24)
    expired = CheckInFactory(employee=employee, created_at=limit - dt.timedelta(minutes=1))
    kept = CheckInFactory(employee=employee, created_at=limit + dt.timedelta(minutes=1))
    fresh = CheckInFactory(employee=employee, created_at=now, shared_with_manager=True)
    assert checkins_delete_expired(now=now) == 1
    assert set(CheckIn.objects.values_list("pk", flat=True)) == {kept.pk, fresh.pk}
    assert not CheckIn.objects.filter(pk=expired.pk).exists()
    assert checkins_delete_expired(now=now) == 0  # safe to run twice


def test_the_period_is_configurable(employee, settings):
    settings.WELLBEING_RETENTION_MONTHS = 1
    CheckInFactory(employee=employee, created_at=timezone.now() - dt.timedelta(days=40))
    CheckInFactory(employee=employee, created_at=timezone.now() - dt.timedelta(days=20))
    assert delete_expired_checkins.apply().get() == 1
    assert CheckIn.objects.count() == 1


def test_a_nonsense_period_deletes_nothing(employee, settings):
    settings.WELLBEING_RETENTION_MONTHS = 0
    CheckInFactory(employee=employee)
    with pytest.raises(ImproperlyConfigured):
        checkins_delete_expired()
    assert CheckIn.objects.count() == 1


def test_the_task_runs_daily_from_beat():
    entry = app.conf.beat_schedule["wellbeing-delete-expired-checkins"]
    assert entry["task"] == delete_expired_checkins.name
    assert entry["schedule"].hour == {3}


def test_the_period_comes_from_the_environment():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'oneonones.settings'; "
        "django.setup(); from django.conf import settings; "
        "print(settings.WELLBEING_RETENTION_MONTHS)"
    )
    env = {**os.environ, "WELLBEING_RETENTION_MONTHS": "6"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "6", result.stderr
