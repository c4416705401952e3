import os
import subprocess
import sys
from pathlib import Path

from oneonones.celery import app

BASE_DIR = Path(__file__).resolve().parent.parent.parent

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#pQ2!vX9zL4mN8rT1wY6uB3cF5hJ0dS2gA7eK9oP4iU1yR6tE8wQ3zX5cV7bN",
    "ALLOWED_HOSTS": "oneonones.example.com",
    "HTTPS": "1",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/oneonones",
}


def test_deploy_check_is_clean_with_production_values():
    env = {**os.environ, **PRODUCTION}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests, never in production
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_celery_is_configured_for_reliable_delivery():
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_connection_retry_on_startup is True
    assert conf.task_time_limit and conf.task_soft_time_limit
    assert conf.task_soft_time_limit < conf.task_time_limit
    assert conf.timezone == "UTC" and conf.enable_utc


def test_beat_schedule_is_declared_in_code_and_names_real_tasks():
    app.loader.import_default_modules()
    assert app.conf.beat_schedule
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]
