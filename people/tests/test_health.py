"""The two health endpoints: liveness for the load balancer, the full report for
monitoring. Outages are real: the broker or the database is pointed at a closed port."""

import socket

import pytest
from django.db import connection
from django.urls import reverse


@pytest.fixture
def closed_port():
    """A local port nothing listens on (the kernel just gave it out and it was closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings, closed_port):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port}/0"


@pytest.fixture
def database_down(transactional_db, closed_port):
    """Every new database connection is refused until the test ends."""
    settings_dict = connection.settings_dict
    saved = {key: settings_dict[key] for key in ("HOST", "PORT")}
    connection.close()
    settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port))
    yield
    connection.close()
    settings_dict.update(saved)


def test_it_answers_liveness_from_the_database(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_it_reports_database_and_broker_for_monitoring(client, db):
    response = client.get(reverse("health_status"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_a_redis_outage_keeps_the_node_in_service_and_shows_in_the_report(
    client, employee, redis_down
):
    live = client.get(reverse("healthz"))
    assert live.status_code == 200
    assert live.json() == {"status": "ok", "database": "ok"}

    report = client.get(reverse("health_status"))
    assert report.status_code == 503
    assert report.json() == {"status": "unavailable", "database": "ok", "broker": "unavailable"}

    # What liveness promises: pages still work without the broker.
    client.force_login(employee)
    assert client.get(reverse("home")).status_code == 200


def test_a_database_outage_takes_the_node_out(client, database_down):
    live = client.get(reverse("healthz"))
    assert live.status_code == 503
    assert live.json() == {"status": "unavailable", "database": "unavailable"}

    report = client.get(reverse("health_status"))
    assert report.status_code == 503
    assert report.json() == {"status": "unavailable", "database": "unavailable", "broker": "ok"}


@pytest.mark.parametrize("name", ["healthz", "health_status"])
def test_health_answers_are_never_cached(client, db, name):
    assert "no-store" in client.get(reverse(name))["Cache-Control"]


@pytest.mark.parametrize("name", ["healthz", "health_status"])
def test_health_answers_only_get(client, db, name):
    assert client.post(reverse(name)).status_code == 405
