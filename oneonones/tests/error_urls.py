"""Views that only raise, for the tests of the one error mapping (test_errors.py)."""

from django.urls import include, path

from oneonones.errors import NotFound, ServiceError


def refuses(request):
    raise ServiceError("Only the organiser can change this series.")


def not_yours(request):
    raise NotFound()


def breaks(request):
    raise ValueError("a bug, not a refusal")


urlpatterns = [
    path("refuses/", refuses),
    path("not-yours/", not_yours),
    path("breaks/", breaks),
    path("", include("oneonones.urls")),
]
