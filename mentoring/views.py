from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentoring import selectors, services
from mentoring.forms import HrSearchForm, ProposeForm, SearchForm, SetUpForm
from oneonones.errors import ServiceError, message_error
from oneonones.http import first_form_error
from people.models import RecordAccess
from people.services import record_access


def _search_text(form: SearchForm | HrSearchForm, name: str) -> str:
    return form.cleaned_data.get(name, "") if form.is_valid() else ""


# --- My mentoring ---------------------------------------------------------------------


def mine(request):
    user = request.user
    search = SearchForm(request.GET or None)
    query = _search_text(search, "q")
    context = {
        "search": search,
        "query": query,
        "results": list(selectors.people_to_propose(viewer=user, query=query)),
        "propose_form": ProposeForm(),
        "overview": selectors.mentoring_overview(viewer=user),
    }
    return render(request, "mentoring/mine.html", context)


def _submit(request, form, act) -> None:
    """Call ``act(data)`` with a valid ``form``'s data, saying what it did (its return)
    or what was wrong as a message for the next page."""
    if not form.is_valid():
        messages.error(request, first_form_error(form))
        return
    try:
        done = act(form.cleaned_data)
    except ServiceError as error:
        message_error(request, error)
    else:
        messages.success(request, done)


@require_POST
def propose(request):
    def act(data) -> str:
        mentorship = services.mentorship_propose(
            by=request.user, other=data["person"], as_role=data["as_role"]
        )
        return f"Proposed to {mentorship.other_of(request.user)}. You will hear when they answer."

    _submit(request, ProposeForm(request.POST), act)
    return redirect("mentoring:mine")


def _act(request, pk: int, act, done: str):
    mentorship = selectors.get_mentorship_for_user_or_404(viewer=request.user, pk=pk)
    try:
        mentorship = act(mentorship=mentorship, by=request.user)
    except ServiceError as error:
        message_error(request, error)
    else:
        messages.success(request, done.format(other=mentorship.other_of(request.user)))
    if request.user.pk not in (mentorship.mentor_id, mentorship.mentee_id):
        return redirect("mentoring:hr")
    return redirect("mentoring:mine")


@require_POST
def accept(request, pk: int):
    return _act(
        request,
        pk,
        services.mentorship_accept,
        "Mentoring with {other} has started.",
    )


@require_POST
def decline(request, pk: int):
    return _act(request, pk, services.mentorship_decline, "Declined; {other} is told.")


@require_POST
def end(request, pk: int):
    return _act(
        request,
        pk,
        services.mentorship_end,
        "Ended. Check-ins still to come are called off, and both of you are told.",
    )


# --- HR: set up pairs, and their cadence ------------------------------------------------


def hr(request):
    selectors.hr_or_404(viewer=request.user)
    search = HrSearchForm(request.GET or None)
    pairs = list(selectors.mentorships_for_hr(viewer=request.user))
    # HR opened the dates of these people's mentoring check-ins: each is told under
    # "Who looked at my records" (never what was said: HR does not see it).
    record_access(
        viewer=request.user,
        person_ids={person for m in pairs for person in (m.mentor_id, m.mentee_id)},
        kind=RecordAccess.Kind.MENTORING_PAIRS,
    )
    context = {
        "search": search,
        "mentor_results": list(
            selectors.people_for_hr(viewer=request.user, query=_search_text(search, "mentor_q"))
        ),
        "mentee_results": list(
            selectors.people_for_hr(viewer=request.user, query=_search_text(search, "mentee_q"))
        ),
        "set_up_form": SetUpForm(),
        "figures": selectors.mentoring_figures(viewer=request.user),
        "pairs": pairs,
        "columns": selectors.HR_PAIR_COLUMNS,
    }
    return render(request, "mentoring/hr.html", context)


@require_POST
def hr_set_up(request):
    selectors.hr_or_404(viewer=request.user)

    def act(data) -> str:
        mentorship = services.mentorship_set_up(
            by=request.user, mentor=data["mentor"], mentee=data["mentee"]
        )
        return f"{mentorship.mentor} now mentors {mentorship.mentee}; both are told."

    _submit(request, SetUpForm(request.POST), act)
    return redirect(reverse("mentoring:hr"))
