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


def test_not_found_shown_on_a_form_or_as_a_message_is_still_a_404():
    from oneonones.errors import error_text

    form = _Form(data={"title": "x"})
    with pytest.raises(NotFound):
        form_error(form, NotFound("Only the author may change it."))
    with pytest.raises(NotFound):
        error_text(NotFound())
    assert error_text(ServiceError("Not now.")) == "Not now."


def test_a_validation_error_becomes_a_refusal_with_its_first_message_and_field():
    from django.core.exceptions import ValidationError

    from oneonones.errors import refused

    plain = refused(ValidationError(["Pick a due date.", "And another."]))
    assert (plain.message, plain.field) == ("Pick a due date.", None)
    named = refused(ValidationError("Pick a due date."), field="due_date")
    assert (named.message, named.field) == ("Pick a due date.", "due_date")
    from_model = refused(ValidationError({"note": ["Keep it under 2000 characters."]}))
    assert (from_model.message, from_model.field) == ("Keep it under 2000 characters.", "note")
