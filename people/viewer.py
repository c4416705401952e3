"""What a request knows about the person signed in, read once however often it is asked.

Whether they have reports is asked twice on most pages: by the page (to show a
manager's parts) and by the menu (``people.context_processors.navigation``). It is
kept on the request, never on the person: a request is over before their reports
change again, while a ``User`` object may live on (in a test, a task, a shell).
"""

from django.http import HttpRequest

from oneonones.db import Read
from people.selectors import has_reports, has_reports_read

_MANAGES_ANYONE = "_people_manages_anyone"


def manages_anyone(request: HttpRequest) -> bool:
    """Whether the person signed in has reports (``people.selectors.has_reports``)."""
    known = getattr(request, _MANAGES_ANYONE, None)
    if known is None:
        viewer = request.user
        assert viewer.is_authenticated  # LoginRequiredMiddleware
        known = has_reports(person=viewer)
        setattr(request, _MANAGES_ANYONE, known)
    return bool(known)


def note_manages_anyone(request: HttpRequest, *, manages: bool) -> None:
    """For a page that read the signed-in person's current reports anyway (home): the
    menu then asks no more."""
    setattr(request, _MANAGES_ANYONE, manages)


def manages_anyone_read(request: HttpRequest) -> Read[bool] | None:
    """For a page that reads its own things in one statement (``read_together``): whether
    the person signed in has reports, to read in that statement too and hand to
    ``note_manages_anyone``, so the menu costs no round trip of its own. None when the
    request knows already."""
    if getattr(request, _MANAGES_ANYONE, None) is not None:
        return None
    viewer = request.user
    assert viewer.is_authenticated  # LoginRequiredMiddleware
    return has_reports_read(person=viewer)
