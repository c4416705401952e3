"""The one way a service says no.

Services raise these, and nothing else, when a rule refuses what someone asked for;
views never decide how an error looks. The mapping lives in one place:

- ``NotFound`` ("not there, or not yours") is a 404, the same page a missing id gives,
  so that nobody learns what exists by asking (``ServiceErrorMiddleware`` turns one that
  a view lets through into that page, and ``error_text``, which every way of showing an
  error goes through, raises it again rather than show it);
- ``ServiceError`` carries a sentence written for the person who asked. A view shows it
  next to the form (``form_error``), as a message after a redirect (``message_error``)
  or in the htmx fragment it re-renders; one a view lets through becomes a message and a
  redirect back (``ServiceErrorMiddleware``), never an error page.

A ``ValidationError`` from a check the forms share (``oneonones.limits``) or from a
model's ``full_clean`` becomes a ``ServiceError`` inside the service (``refused``).

Programming mistakes (a wrong argument, a broken invariant) stay ordinary exceptions:
they are bugs, and should show up as one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django import forms
    from django.core.exceptions import ValidationError
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


def refused(error: ValidationError, *, field: str | None = None) -> ServiceError:
    """The ``ServiceError`` for a ``ValidationError`` that a check shared with the forms
    (``oneonones.limits``) or a model's ``full_clean`` raised inside a service: its first
    message, about the field it names (or ``field``). Raise it ``from None``."""
    if hasattr(error, "error_dict"):
        name, errors = next(iter(error.error_dict.items()))
        return ServiceError(errors[0].messages[0], field=field or name)
    return ServiceError(error.messages[0], field=field)


def within_limits(
    check: Callable[..., object], *args: Any, field: str | None = None, **kwargs: Any
) -> None:
    """Run one of the checks the forms share (``oneonones.limits``) inside a service:
    what it refuses becomes the ``ServiceError`` of ``refused``."""
    from django.core.exceptions import ValidationError

    try:
        check(*args, **kwargs)
    except ValidationError as error:
        raise refused(error, field=field) from None


def error_text(error: ServiceError) -> str:
    """What the person reads for ``error``, wherever a view shows it (a form, a message,
    a fragment). A ``NotFound`` is raised again instead: not yours is a 404 everywhere,
    never a sentence that says the thing exists."""
    if isinstance(error, NotFound):
        raise error
    return error.message


def form_error(form: forms.BaseForm, error: ServiceError) -> None:
    """Show ``error`` on ``form``: under its field when it names one the form has."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error_text(error))


def message_error(request: HttpRequest, error: ServiceError) -> None:
    """Show ``error`` as a message on the next page."""
    from django.contrib import messages

    messages.error(request, error_text(error))
