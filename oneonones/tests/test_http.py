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
