"""The schema and its reference page: served to anyone (they describe the API, they
hold no one's data), from vendored files, under the app's strict CSP."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from conftest import page_errors, sign_in
from people.tests.factories import PASSWORD, UserFactory


def test_the_schema_is_openapi_3_and_describes_every_endpoint(db):
    response = Client().get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    from api.urls import urlpatterns

    documented = set(schema["paths"])
    for pattern in urlpatterns:
        route = str(pattern.pattern)
        if route.startswith("v1/") and pattern.name != "no_such_endpoint":
            assert "/api/" + re.sub(r"<int:(\w+)>", r"{id}", route) in documented
    security = schema["components"]["securitySchemes"]["personalToken"]
    assert (security["type"], security["scheme"]) == ("http", "bearer")


def test_the_reference_page_has_no_inline_script_or_style_and_keeps_the_csp(db):
    response = Client().get(reverse("api:reference"))
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    page = response.content.decode()
    assert "<style" not in page
    assert "style=" not in page
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    assert "cdn" not in page.lower() and "//" not in "".join(re.findall(r'src="([^"]*)"', page))
    start_up = re.search(r'src="([^"]*script=[^"]*)"', page).group(1).replace("&amp;", "&")
    script = Client().get(start_up)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_unknown_api_addresses_answer_json(db):
    response = Client().get("/api/v1/nothing/here/")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("There is nothing here")


@pytest.mark.browser
def test_the_reference_page_works_in_a_browser_under_the_csp(page, live_server):
    person = UserFactory(full_name="Rhea Reader", email="rhea@example.org")
    errors = page_errors(page)
    sign_in(page, person.email, PASSWORD)
    page.goto("/api/reference/")
    operation = page.locator(".opblock", has_text="/api/v1/me/")
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    # Signed in, the page's own requests use the session: a GET needs nothing more.
    expect(operation.locator(".live-responses-table")).to_contain_text("Rhea Reader")
    assert errors == []
