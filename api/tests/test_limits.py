"""Rate limits, counted in the real Redis: per person, and per address for requests
without a valid token (so guessing tokens is limited too). When Redis does not answer,
the API still does."""

from django.core.cache import caches
from django.test import Client

from api.tests.conftest import bearer

ME = "/api/v1/me/"


def test_a_person_is_limited_and_told_when_to_come_back(settings, employee, manager):
    settings.API_RATE_LIMIT = "3/hour"
    headers = bearer(employee)
    for _ in range(3):
        assert Client().get(ME, HTTP_AUTHORIZATION=headers["Authorization"]).status_code == 200
    refused = Client().get(ME, HTTP_AUTHORIZATION=headers["Authorization"])
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "throttled" in refused.json()["detail"].lower()
    # Another token of the same person shares the count; another person does not.
    assert Client().get(ME, HTTP_AUTHORIZATION=bearer(employee)["Authorization"]).status_code == 429
    assert Client().get(ME, HTTP_AUTHORIZATION=bearer(manager)["Authorization"]).status_code == 200


def test_guesses_at_tokens_are_limited_per_address(settings, employee):
    settings.API_ANONYMOUS_RATE_LIMIT = "2/hour"
    guess = "Bearer oo_123456789abc_guess"
    assert Client().get(ME, HTTP_AUTHORIZATION=guess).status_code == 401
    assert Client().get(ME).status_code == 401
    assert Client().get(ME, HTTP_AUTHORIZATION=guess).status_code == 429
    # A real token still works from there: the person has counts of their own.
    assert Client().get(ME, HTTP_AUTHORIZATION=bearer(employee)["Authorization"]).status_code == 200


def test_the_api_answers_when_redis_does_not(settings, employee, caplog):
    settings.API_RATE_LIMIT = "1/hour"
    settings.CACHES = {
        **settings.CACHES,
        "api": {**settings.CACHES["api"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    headers = bearer(employee)
    for _ in range(3):
        assert Client().get(ME, HTTP_AUTHORIZATION=headers["Authorization"]).status_code == 200
    assert "rate limit not counted" in caplog.text


def test_counts_live_in_the_shared_cache(settings, employee):
    settings.API_RATE_LIMIT = "5/hour"
    Client().get(ME, HTTP_AUTHORIZATION=bearer(employee)["Authorization"])
    client = caches["api"]._cache.get_client()  # the Redis connection itself
    prefix = settings.CACHES["api"]["KEY_PREFIX"]
    assert client.keys(f"{prefix}:*throttle:person:{employee.pk}:*")
