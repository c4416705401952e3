"""A person's own privacy pages. Both are about the person signed in and take no id:
there is no address at which one person could ask for another's."""

import io
import logging

from django.contrib import messages
from django.core.cache import caches
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from privacy.exports import KINDS, zip_of
from privacy.selectors import seen_by_others

logger = logging.getLogger(__name__)

# One download a minute per person: building the zip reads everything about them.
DOWNLOAD_EVERY_SECONDS = 60


def _may_download_now(person_id: int) -> bool:
    """True at most once per ``DOWNLOAD_EVERY_SECONDS`` for one person, counted in Redis
    (the ``limits`` cache) so that it holds across every web process and node. When
    Redis does not answer, the download goes ahead: the limit guards the database's
    time, not anyone's data."""
    try:
        return bool(
            caches["limits"].add(f"privacy:download:{person_id}", 1, DOWNLOAD_EVERY_SECONDS)
        )
    except Exception:  # any failure of the cache
        logger.warning("Download limit not counted: the limits cache did not answer")
        return True


def seen(request):
    context = {"seen": seen_by_others(viewer=request.user, request=request)}
    return render(request, "privacy/seen.html", context)


@require_http_methods(["GET", "POST"])
def download(request):
    if request.method == "POST":
        if not _may_download_now(request.user.pk):
            messages.error(
                request,
                "You downloaded your data less than a minute ago. Try again in a minute.",
            )
            return redirect("privacy:download")
        content = zip_of(viewer=request.user)
        day = timezone.localdate()
        return FileResponse(
            io.BytesIO(content),
            as_attachment=True,
            filename=f"oneonones-my-data-{day:%Y-%m-%d}.zip",
            content_type="application/zip",
        )
    kinds = [name for name, _ in KINDS]
    return render(request, "privacy/download.html", {"kinds": kinds})
