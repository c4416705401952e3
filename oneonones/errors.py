"""The one way a service says no.

Services raise these, and nothing else, when a rule refuses what someone asked for;
views never decide how an error looks. The mapping lives in one place:

- ``NotFound`` ("not there, or not yours") is a 404, the same page a missing id gives,
  so that nobody learns what exists by asking (``ServiceErrorMiddleware`` turns one that
  a view lets through into that page);
- ``ServiceError`` carries a sentence written for the person who asked. A view shows it
  next to the form (``form_error``), as a message after a redirect (``message_error``)
  or in the htmx fragment it re-renders; one a view lets through becomes a message and a
  redirect back (``ServiceErrorMiddleware``), never an error page.

Programming mistakes (a wrong argument, a broken invariant) stay ordinary exceptions:
they are bugs, and should show up as one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django import forms
    from django.http import HttpRequest


class ServiceError(Exception):
    """A rule refused the request. ``message`` is ready to show to the person who asked;
    ``field``, when set, names the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class NotFound(ServiceError):
    """Not there, or not the viewer's to see or change: always a 404 to the person."""

    def __init__(self, message: str = "There is nothing here, or it is not yours to see.") -> None:
        super().__init__(message)


def form_error(form: forms.Form, error: ServiceError) -> None:
    """Show ``error`` on ``form``: under its field when it names one the form has."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def message_error(request: HttpRequest, error: ServiceError) -> None:
    """Show ``error`` as a message on the next page."""
    from django.contrib import messages

    messages.error(request, error.message)
