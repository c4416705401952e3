"""Reading ``next``, ids and page numbers from a request (oneonones.http)."""

import pytest
from django.http import Http404
from django.shortcuts import redirect
from django.test import RequestFactory

from oneonones.http import id_or_404, page_number, parse_int, safe_next_url

DEFAULT = "/objectives/"


def posted(next_value: str, *, secure: bool = False):
    return RequestFactory().post("/somewhere/", {"next": next_value}, secure=secure)


@pytest.mark.parametrize("target", ["/meetings/12/", "/meetings/actions/?page=2", "/"])
def test_it_follows_a_path_on_this_site(target):
    assert safe_next_url(posted(target), DEFAULT) == target


@pytest.mark.parametrize(
    "target",
    [
        "",
        "meetings",  # a bare word: redirect() would look it up as a URL name
        "meetings:mine",  # and this one it would find
        "a\x00b",
        "🙂",
        "2027-02-30",
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http://testserver/meetings/",  # even this host: paths only
        "/meetings/\x00",
    ],
)
def test_it_goes_to_the_default_for_anything_else(target):
    url = safe_next_url(posted(target), DEFAULT)
    assert url == DEFAULT
    assert redirect(url).url == DEFAULT


def test_it_reads_next_from_the_query_string_too():
    request = RequestFactory().get("/somewhere/", {"next": "/wellbeing/"})
    assert safe_next_url(request, DEFAULT) == "/wellbeing/"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("2147483647", 2147483647),
        ("2147483648", None),  # past PostgreSQL's integer
        ("9" * 30, None),
        ("0", None),
        ("-3", None),
        ("²", None),  # str.isdigit() says yes, int() says no
        ("٣", None),
        ("1e3", None),
        ("a\x00b", None),
        ("", None),
        (None, None),
    ],
)
def test_it_reads_whole_numbers_or_nothing(text, number):
    assert parse_int(text) == number


def test_an_id_that_is_not_one_is_404_and_a_page_number_falls_back():
    assert id_or_404("5") == 5
    for text in ("x", "", None, "²", "9" * 30):
        with pytest.raises(Http404):
            id_or_404(text)
    factory = RequestFactory()
    assert page_number(factory.get("/", {"page": "3"})) == 3
    assert page_number(factory.get("/", {"page": "9" * 30})) == 1
    assert page_number(factory.get("/", {"page": "40"}), last=4) == 4
    assert page_number(factory.get("/")) == 1


def test_first_form_error_is_the_first_thing_wrong():
    from django import forms

    from oneonones.http import NOT_UNDERSTOOD, first_form_error

    class Form(forms.Form):
        title = forms.CharField()
        due = forms.DateField()

    form = Form(data={"title": "", "due": "soon"})
    assert not form.is_valid()
    assert first_form_error(form) == "This field is required."
    empty = Form(data={"title": "x", "due": "2030-01-01"})
    assert empty.is_valid()
    assert first_form_error(empty) == NOT_UNDERSTOOD


def test_a_small_change_answers_htmx_with_its_fragment_and_a_form_with_a_redirect(rf, employee):
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.http import HttpResponse
    from django_htmx.middleware import HtmxDetails

    from oneonones.http import fragment_or_redirect

    def request(htmx: bool):
        made = rf.post("/", headers={"hx-request": "true"} if htmx else {})
        made.user = employee
        made.session = {}
        made._messages = FallbackStorage(made)
        made.htmx = HtmxDetails(made)
        return made

    htmx = request(htmx=True)
    answer = fragment_or_redirect(
        htmx, fragment=lambda: HttpResponse("the part"), back="/x/", error="No."
    )
    assert answer.content == b"the part"
    plain = request(htmx=False)
    answer = fragment_or_redirect(plain, fragment=lambda: HttpResponse(), back="/x/", error="No.")
    assert (answer.status_code, answer["Location"]) == (302, "/x/")
    assert [str(m) for m in get_messages(plain)] == ["No."]
