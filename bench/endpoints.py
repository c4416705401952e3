"""Pages that exist only for `make bench` (on when ``BENCH_ENDPOINTS=1``, else 404).

``/_rows`` is the floor every page is measured against: a request that goes
through the same middleware, session and sign-in lookups and context processors
as any page, runs one query for 20 rows and renders a tiny template. A page's
speed is reported as a ratio to it, measured in the same run, so a busy machine
slows both alike.
"""

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render

from meetings.models import Meeting

ROWS = 20


def rows(request):
    """The signed-in person's latest 20 meetings: their own, like any scoped read."""
    if not settings.BENCH_ENDPOINTS:
        raise Http404("No such page.")
    user = request.user
    meetings = (
        Meeting.objects.filter(Q(organiser=user) | Q(participant=user))
        .order_by("-starts_at")
        .values("pk", "starts_at", "status")[:ROWS]
    )
    return render(request, "bench/rows.html", {"meetings": meetings})
