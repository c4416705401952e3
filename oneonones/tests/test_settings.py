import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

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


# --- Settings fail safe ----------------------------------------------------------------

START = (
    "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'oneonones.settings'; "
    "django.setup(); from django.conf import settings; "
    "print(json.dumps({name: getattr(settings, name, None) for name in %r}))"
)


def start(names=("DEBUG",), **variables):
    """Start Django in a new process with these environment variables (None unsets one);
    its exit code, the settings asked for (when it started) and what it printed."""
    env = {**os.environ}
    for name, value in variables.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    result = subprocess.run(
        [sys.executable, "-c", START % (list(names),)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    values = json.loads(result.stdout) if result.returncode == 0 else None
    return result.returncode, values, result.stderr


@pytest.mark.parametrize("key", [settings.DEVELOPMENT_SECRET_KEY, ""])
def test_it_refuses_to_start_on_the_public_key_with_debug_off(key):
    code, _, errors = start(DEBUG="0", SECRET_KEY=key)
    assert code != 0
    assert "ImproperlyConfigured: With DEBUG off, SECRET_KEY must be set" in errors


def test_it_starts_with_a_key_of_its_own_or_with_debug_on():
    code, values, errors = start(DEBUG="0", SECRET_KEY=PRODUCTION["SECRET_KEY"])
    assert code == 0, errors
    assert values == {"DEBUG": False}
    # `make run`: a developer's machine, DEBUG on, no key of their own.
    code, values, errors = start(DEBUG="1", SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY)
    assert code == 0, errors
    assert values == {"DEBUG": True}


def test_the_tests_run_with_debug_off_on_their_own_key():
    assert settings.DEBUG is False
    assert settings.SECRET_KEY != settings.DEVELOPMENT_SECRET_KEY


EMAIL = {
    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "EMAIL_HOST": "smtp.example.com",
    "EMAIL_PORT": "465",
    "EMAIL_HOST_USER": "mailer",
    "EMAIL_HOST_PASSWORD": "s3cret",
    "EMAIL_USE_TLS": "0",
    "EMAIL_USE_SSL": "1",
    "EMAIL_TIMEOUT": "7",
    "EMAIL_SSL_CERTFILE": "/etc/oneonones/client.crt",
    "EMAIL_SSL_KEYFILE": "/etc/oneonones/client.key",
    "DEFAULT_FROM_EMAIL": "oneonones <oneonones@example.com>",
    "SERVER_EMAIL": "alerts@example.com",
}


def test_every_email_setting_comes_from_the_environment(tmp_path):
    variables = {**EMAIL, "EMAIL_FILE_PATH": str(tmp_path / "mail")}
    code, values, errors = start(names=list(variables), **variables)
    assert code == 0, errors
    assert values == {
        **variables,
        "EMAIL_PORT": 465,
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": True,
        "EMAIL_TIMEOUT": 7,
    }


def test_the_file_backend_writes_where_the_environment_says(tmp_path):
    outbox = tmp_path / "mail"
    send = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'oneonones.settings'; "
        "django.setup(); from django.core.mail import send_mail; "
        "send_mail('Your 1:1', 'See you at 10.', None, ['emma@example.org'])"
    )
    env = {
        **os.environ,
        "EMAIL_BACKEND": EMAIL["EMAIL_BACKEND"],
        "EMAIL_FILE_PATH": str(outbox),
        "DEFAULT_FROM_EMAIL": EMAIL["DEFAULT_FROM_EMAIL"],
    }
    result = subprocess.run(
        [sys.executable, "-c", send],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    [message] = [path.read_text() for path in outbox.iterdir()]
    assert "Subject: Your 1:1" in message
    assert "From: oneonones <oneonones@example.com>" in message
    assert "To: emma@example.org" in message


def test_it_refuses_tls_and_ssl_together():
    code, _, errors = start(EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")
    assert code != 0
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL are both on" in errors


def test_the_proxy_is_trusted_only_when_said():
    names = ["BEHIND_PROXY", "PROXY_COUNT", "SECURE_PROXY_SSL_HEADER"]
    code, values, errors = start(names, HTTPS=None, BEHIND_PROXY=None, PROXY_COUNT=None)
    assert code == 0, errors
    assert values == {"BEHIND_PROXY": False, "PROXY_COUNT": 1, "SECURE_PROXY_SSL_HEADER": None}
    # HTTPS=1 means behind the TLS-terminating load balancer, unless told otherwise.
    code, values, errors = start(names, HTTPS="1", BEHIND_PROXY=None, PROXY_COUNT="2")
    assert code == 0, errors
    assert values == {
        "BEHIND_PROXY": True,
        "PROXY_COUNT": 2,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    code, values, errors = start(names, HTTPS="1", BEHIND_PROXY="0")
    assert code == 0, errors
    assert values["BEHIND_PROXY"] is False and values["SECURE_PROXY_SSL_HEADER"] is None


def test_it_refuses_a_proxy_count_below_one():
    code, _, errors = start(BEHIND_PROXY="1", PROXY_COUNT="0")
    assert code != 0
    assert "PROXY_COUNT is the number of proxies" in errors
