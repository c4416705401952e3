"""One error convention: what a refusal a view lets through looks like."""

import pytest
from django import forms

from oneonones.errors import NotFound, ServiceError, form_error

pytestmark = pytest.mark.urls("oneonones.tests.error_urls")


@pytest.fixture
def signed_in(client, employee):
    client.force_login(employee)
    return client


def test_not_found_is_the_404_page(signed_in):
    response = signed_in.get("/not-yours/")
    assert response.status_code == 404
    assert b"not yours to see" in response.content


def test_a_refusal_goes_back_with_its_message(signed_in):
    response = signed_in.get("/refuses/", headers={"referer": "http://testserver/meetings/"})
    assert response.status_code == 302
    assert response["Location"] == "/meetings/"
    page = signed_in.get("/meetings/")
    assert "Only the organiser can change this series." in page.content.decode()


def test_a_refusal_never_sends_anyone_to_another_site(signed_in):
    for referer in ("https://evil.example/phish", "//evil.example/", "not a url"):
        response = signed_in.get("/refuses/", headers={"referer": referer})
        assert response.status_code == 302
        assert not response["Location"].startswith(("http", "//"))


def test_an_htmx_refusal_asks_the_page_to_load_with_the_message(signed_in):
    response = signed_in.get(
        "/refuses/", headers={"hx-request": "true", "referer": "http://testserver/meetings/"}
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/meetings/"


def test_a_bug_is_still_a_bug(signed_in):
    signed_in.raise_request_exception = True
    with pytest.raises(ValueError, match="a bug"):
        signed_in.get("/breaks/")


def test_signed_out_visitors_are_sent_to_sign_in_first(client):
    # Signed out: sent to sign in, as for any page.
    response = client.get("/not-yours/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


class _Form(forms.Form):
    title = forms.CharField()


def test_form_error_names_the_field_when_the_form_has_it():
    form = _Form(data={"title": "x"})
    assert form.is_valid()
    form_error(form, ServiceError("Too long.", field="title"))
    form_error(form, ServiceError("Not now.", field="no_such_field"))
    assert form.errors == {"title": ["Too long."], "__all__": ["Not now."]}


def test_not_found_is_a_service_error_with_the_same_words_for_everyone():
    assert isinstance(NotFound(), ServiceError)
    assert str(NotFound()) == NotFound().message
