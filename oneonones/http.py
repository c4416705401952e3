"""Reading what a request carries, safely: where to go next, and numbers from the
query string. Every view reads ``next``, ids and page numbers through these, so
that no value a person can type gets past them as an error page."""

from collections.abc import Callable

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

# PostgreSQL's integer: a larger id or number can only fail in the database.
MAX_INT = 2**31 - 1
# More digits than any id or page number has; int() of a longer text is slow.
MAX_DIGITS = 10


def safe_next_url(request: HttpRequest, default: str) -> str:
    """Where to go after a POST: the ``next`` the form or link carried when it is a
    path on this site, else ``default`` (itself a path, e.g. from ``reverse``).

    Only paths are taken ("/meetings/12/"), never another host, scheme or a bare word:
    ``redirect("meetings")`` would look "meetings" up as a URL name and fail.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if is_local_path(target, request=request):
        return target
    return default


def is_local_path(target: str, *, request: HttpRequest) -> bool:
    return (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and "\x00" not in target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )


def parse_int(text: str | None, *, minimum: int = 1, maximum: int = MAX_INT) -> int | None:
    """The whole number ``text`` holds, or None when it is not a number from ``minimum``
    to ``maximum``. Digits only: "1e3", "٣" and "²" are not numbers here."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def id_or_404(text: str | None) -> int:
    """An id sent in a form or a query string: a missing or a made-up one is a 404,
    like an id that is not the viewer's."""
    pk = parse_int(text)
    if pk is None:
        raise Http404("No such page.")
    return pk


def page_number(request: HttpRequest, *, last: int = MAX_INT) -> int:
    """The ``page`` asked for, from 1 to ``last``: 1 when it is not a page number."""
    asked = parse_int(request.GET.get("page"))
    return min(asked or 1, last)


NOT_UNDERSTOOD = "That was not understood; nothing was changed."


def first_form_error(form: forms.BaseForm) -> str:
    """The first thing wrong with a bound, invalid ``form``, in the person's words: what
    a one-line fragment or a message shows (a whole form shows all of its errors)."""
    for errors in form.errors.values():
        return str(errors[0])
    return NOT_UNDERSTOOD


def fragment_or_redirect(
    request: HttpRequest,
    *,
    fragment: Callable[[], HttpResponse],
    back: str,
    message: str = "",
    error: str = "",
) -> HttpResponse:
    """What a small change answers: for htmx, ``fragment()`` (the re-rendered part of
    the page, which shows ``message`` or ``error`` itself); for a plain form post, the
    message and a redirect to ``back`` (a path), so the page works without JavaScript."""
    from django.contrib import messages
    from django.shortcuts import redirect

    if getattr(request, "htmx", False):
        return fragment()
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    return redirect(back)
