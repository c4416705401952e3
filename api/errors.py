"""The one place where what went wrong becomes the API's answer.

Every refusal is JSON: ``{"detail": "<sentence for the person>", "field": "<name>"}``
(``field`` when the sentence is about one field). Services say no the way they do for
the pages (``oneonones.errors``): ``NotFound`` is a 404, like a missing id, so nobody
learns what exists by asking; a ``ServiceError`` is a 400 with its sentence (a
``MeetingClash`` is about ``starts_at``). A selector's ``Http404`` is a 404 too.
"""

from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from meetings.scheduling.services import MeetingClash
from oneonones.errors import NotFound, ServiceError

NOT_FOUND = "There is nothing here, or it is not yours to see."


def _first(detail: Any) -> tuple[str, str | None]:
    """The first message of a DRF error detail, and the field it is about."""
    if isinstance(detail, dict):
        for name, value in detail.items():
            message, inner = _first(value)
            field = None if name == "non_field_errors" else str(name)
            return message, inner or field
        return "That was not understood; nothing was changed.", None
    if isinstance(detail, list):
        return _first(detail[0]) if detail else ("That was not understood.", None)
    return str(detail), None


def _body(message: str, field: str | None = None) -> dict[str, str]:
    return {"detail": message, **({"field": field} if field else {})}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, NotFound | Http404 | exceptions.NotFound):
        return Response(_body(NOT_FOUND), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, MeetingClash):
        return Response(_body(exc.message, "starts_at"), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ServiceError):
        return Response(_body(exc.message, exc.field), status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        message, field = _first(exc.detail)
        response.data = _body(message, field)
    return response
