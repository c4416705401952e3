"""The API's reference page: Swagger UI over ``/api/schema/``, from files vendored by
drf-spectacular-sidecar (served by WhiteNoise, no CDN), under the app's strict CSP: the
page has no inline script or style; its start-up script is a file of its own (the same
view with ``?script``), as drf-spectacular's split view serves it."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class Reference(SpectacularSwaggerSplitView):
    template_name = "api/reference.html"
    title = "oneonones API reference"

    @classmethod
    def as_view(cls, **initkwargs: Any):
        return login_not_required(super().as_view(**initkwargs))


class Schema(SpectacularAPIView):
    @classmethod
    def as_view(cls, **initkwargs: Any):
        return login_not_required(super().as_view(**initkwargs))
