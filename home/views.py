"""The home page: what the person signed in should do next."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from home import selectors
from meetings.selectors import RECENT_DAYS
from people.viewer import note_manages_anyone


def home(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    assert viewer.is_authenticated  # LoginRequiredMiddleware
    team = selectors.team_to_meet(viewer=viewer)
    # The team is every current report: the menu need not ask again whether there is one.
    note_manages_anyone(request, manages=team.size > 0)
    context = {
        "next_meetings": selectors.next_meetings_of(viewer=viewer),
        "requests": selectors.requests_to_answer(viewer=viewer),
        "proposals": selectors.proposals_to_answer(viewer=viewer) if team.size else None,
        "actions": selectors.open_actions_of(viewer=viewer),
        "checkin": selectors.checkin_this_month(viewer=viewer),
        "team": team if team.size else None,
        "new_reports": selectors.new_reports_without_series(viewer=viewer) if team.size else None,
        "to_choose": selectors.manager_change_to_choose(viewer=viewer),
        # Read only when the template needs it (no 1:1 booked and no team).
        "manager": lambda: viewer.manager,
        "today": timezone.localdate(),
        "recent_days": RECENT_DAYS,
    }
    return render(request, "home/home.html", context)
