from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from meetings.record.selectors import meetings_discussing
from objectives import selectors, services
from objectives.forms import (
    SELF,
    CommentForm,
    EditForm,
    GoalForm,
    KeyResultForm,
    KeyResultUpdateForm,
    ObjectiveForm,
    ProgressForm,
    ScoreForm,
    TransitionForm,
)
from objectives.models import SCORE_SCALE, Level, State
from oneonones.errors import ServiceError, error_text, form_error, message_error
from oneonones.http import first_form_error, fragment_or_redirect, id_or_404, safe_next_url
from people.models import RecordAccess
from people.selectors import get_person_for_user_or_404, has_reports, reports_of
from people.services import record_access, record_access_to

PAGE_SIZE = 20


def _page(request, objects):
    return Paginator(objects, PAGE_SIZE).get_page(request.GET.get("page"))


def _back_url(request, objective) -> str:
    """Where to go after a change: the page the form came from, else the objective."""
    return safe_next_url(request, reverse("objectives:detail", args=[objective.pk]))


def _back(request, objective):
    return redirect(_back_url(request, objective))


# --- Lists ----------------------------------------------------------------------------


def mine(request):
    user = request.user
    context = {
        "tab": "mine",
        "page_obj": _page(request, selectors.my_objectives(viewer=user)),
        "goals_led": list(selectors.goals_led_by(viewer=user)[:10]),
        "proposal_count": selectors.proposal_count(viewer=user),
        "is_manager": has_reports(person=user),
    }
    return render(request, "objectives/mine.html", context)


def team(request):
    user = request.user
    reports = list(reports_of(manager=user))
    person_id = None
    if request.GET.get("person"):
        person_id = id_or_404(request.GET["person"])
        if person_id not in {r.pk for r in reports}:
            raise Http404("No such person in your team.")
    state = request.GET.get("state") or "open"
    if state not in {"open", "all", *State.values}:
        state = "open"
    objectives = selectors.team_objectives_for(manager=user, state=state, person_id=person_id)
    panel_owner = next((r for r in reports if r.pk == person_id), None)
    context = {
        "panel_owner": panel_owner,
        "panel_objectives": selectors.active_objectives_for(owner=panel_owner, viewer=user)
        if panel_owner
        else [],
        "tab": "team",
        "reports": reports,
        "person_id": person_id,
        "state": state,
        "states": [("open", "Open"), ("all", "All"), *State.choices],
        "page_obj": _page(request, objectives),
        "counts": selectors.team_attention_counts(manager=user),
        "proposal_count": selectors.proposal_count(viewer=user),
        "is_manager": bool(reports),
    }
    return render(request, "objectives/team.html", context)


def proposals(request):
    user = request.user
    page_obj = _page(request, selectors.proposals_awaiting(viewer=user))
    context = {
        "tab": "proposals",
        "page_obj": page_obj,
        "proposal_count": page_obj.paginator.count,
        "is_manager": has_reports(person=user),
    }
    return render(request, "objectives/proposals.html", context)


def goals(request):
    user = request.user
    context = {
        "tab": "goals",
        "page_obj": _page(request, selectors.goals_visible_to(viewer=user)),
        "proposal_count": selectors.proposal_count(viewer=user),
        "is_manager": has_reports(person=user),
        "can_set_goals": bool(selectors.goal_levels_for(viewer=user)),
    }
    return render(request, "objectives/goals.html", context)


# --- Creating and editing -------------------------------------------------------------


def new(request):
    user = request.user
    # ?for=<id> preselects a report (e.g. from their objectives panel).
    initial = {"owner": request.GET.get("for") or SELF}
    form = ObjectiveForm(request.POST or None, viewer=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        owner = form.owner_user(user)
        fields = {
            "owner": owner,
            "by": user,
            "title": form.cleaned_data["title"],
            "description": form.cleaned_data["description"],
            "due_date": form.cleaned_data["due_date"],
            "parent": form.cleaned_data["parent"],
        }
        try:
            if owner.pk == user.pk:
                objective = services.objective_propose(**fields)
                if objective.state == State.PROPOSED:
                    messages.success(
                        request, "Your proposal is saved. Your manager will confirm it."
                    )
                else:
                    messages.success(
                        request,
                        "Your objective is set: with no manager, it needs nobody's agreement.",
                    )
            else:
                objective = services.objective_set_for_report(**fields)
                messages.success(request, f"The objective is set for {owner.full_name}.")
        except ServiceError as error:
            form_error(form, error)
        else:
            return redirect("objectives:detail", pk=objective.pk)
    heading = "New objective" if "owner" in form.fields else "Propose an objective"
    return render(request, "objectives/form.html", {"form": form, "heading": heading})


def new_goal(request):
    user = request.user
    levels = selectors.goal_levels_for(viewer=user)
    if not levels:
        raise Http404("Only managers set goals.")
    form = GoalForm(request.POST or None, viewer=user, levels=levels)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.objective_create_goal(
                by=user,
                level=form.cleaned_data["level"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                due_date=form.cleaned_data["due_date"],
                parent=form.cleaned_data.get("parent"),
            )
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(request, "The goal is set.")
            return redirect("objectives:detail", pk=goal.pk)
    return render(request, "objectives/form.html", {"form": form, "heading": "New goal"})


def edit(request, pk: int):
    objective = selectors.get_objective_to_change_or_404(viewer=request.user, pk=pk)
    initial = {
        "title": objective.title,
        "description": objective.description,
        "due_date": objective.due_date,
        "parent": objective.parent_id,
    }
    form = EditForm(
        request.POST or None, viewer=objective.owner, level=objective.level, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_edit(
                objective=objective,
                by=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                due_date=form.cleaned_data["due_date"],
                parent=form.cleaned_data.get("parent"),
            )
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(request, "Changes saved.")
            return redirect("objectives:detail", pk=objective.pk)
    context = {"form": form, "heading": f"Edit “{objective.title}”", "objective": objective}
    return render(request, "objectives/form.html", context)


# --- One objective --------------------------------------------------------------------


def detail(request, pk: int):
    user = request.user
    objective = selectors.get_objective_for_user_or_404(viewer=user, pk=pk)
    relations = selectors.relations_of(viewer=user, objective=objective)
    may_change = bool(relations & selectors.CHANGERS)
    # HR (and anyone else outside the owner's line) reads the facts only: no
    # description, key results, comments, history notes or rejection reason.
    details = bool(relations & selectors.DETAILS)
    conversation = bool(relations & selectors.CONVERSATION)
    if objective.level == Level.INDIVIDUAL:
        record_access_to(viewer=user, person=objective.owner, kind=RecordAccess.Kind.OBJECTIVE)
    context = {
        "objective": objective,
        "description": objective.description if details else "",
        "rejection_reason": objective.rejection_reason if conversation else "",
        "shows_details": details,
        "shows_conversation": conversation,
        "key_results": selectors.key_results_for(objective=objective, viewer=user),
        "history": selectors.history_for(objective=objective, viewer=user),
        "comments": selectors.comments_for(objective=objective, viewer=user),
        "transitions": services.transitions_available(objective=objective, viewer=user),
        "may_change": may_change,
        "may_score": selectors.MANAGER in relations
        and objective.state in (State.ACTIVE, State.COMPLETED),
        "children_count": selectors.contributions_count(goal=objective),
        "score_scale": SCORE_SCALE,
        "comment_form": CommentForm(),
        "score_form": ScoreForm(initial={"score": objective.score}),
        "key_result_form": KeyResultForm(),
        # Only the people who were in those 1:1s see them (never the line above or HR).
        "discussed_in": meetings_discussing(objective=objective, viewer=user),
        "may_discuss": may_change and objective.state in (State.PROPOSED, State.ACTIVE),
    }
    return render(request, "objectives/detail.html", context)


def cascade(request, pk: int):
    goal = selectors.get_objective_for_user_or_404(viewer=request.user, pk=pk)
    if not goal.is_goal:
        if goal.parent_id is None:
            raise Http404("This objective is not part of a cascade.")
        return redirect("objectives:cascade", pk=goal.parent_id)
    tree = selectors.cascade_for(goal=goal, viewer=request.user)
    record_access(
        viewer=request.user,
        person_ids=selectors.individual_owners(objectives=tree.objectives()),
        kind=RecordAccess.Kind.OBJECTIVES_CASCADE,
    )
    return render(request, "objectives/cascade.html", {"tree": tree, "goal": goal})


def review(request, person_pk: int):
    person = get_person_for_user_or_404(viewer=request.user, pk=person_pk)
    today = timezone.localdate()
    current = selectors.Quarter.containing(today)
    quarter = selectors.Quarter.parse(request.GET.get("quarter"), default=current)
    rows = selectors.quarter_review_for(person=person, quarter=quarter)
    record_access_to(viewer=request.user, person=person, kind=RecordAccess.Kind.OBJECTIVES_REVIEW)
    context = {
        "person": person,
        "quarter": quarter,
        "is_current": quarter == current,
        "next_quarter": quarter.next if quarter.next.first_day <= today else None,
        "rows": rows,
        "completed": sum(1 for row in rows if row.objective.state == State.COMPLETED),
    }
    return render(request, "objectives/review.html", context)


# --- Changes --------------------------------------------------------------------------


def _run(request, change, success: str) -> bool:
    """Call a service; a refusal is a message (not yours: a 404). True when it worked."""
    try:
        change()
    except ServiceError as error:
        message_error(request, error)
        return False
    messages.success(request, success)
    return True


@require_POST
def transition(request, pk: int):
    objective = selectors.get_objective_for_user_or_404(viewer=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That change was not understood; nothing was changed.")
        return _back(request, objective)
    name = form.cleaned_data["action"]
    done = services.TRANSITIONS.get(name)
    success = f"“{objective.title}” is now {done.target.label.lower()}." if done else ""
    _run(
        request,
        lambda: services.objective_transition(
            objective=objective, by=request.user, name=name, note=form.cleaned_data["note"]
        ),
        success,
    )
    return _back(request, objective)


def _quick(request, objective, *, message: str = "", error: str = ""):
    """The objective's quick-update fragment (htmx), or back to the page it came from."""

    def fragment():
        context = {
            "objective": selectors.get_objective_for_quick_update(
                viewer=request.user, pk=objective.pk
            ),
            "quick_message": message,
            "quick_error": error,
            "quick_next": request.htmx.current_url_abs_path or "",
        }
        return render(request, "objectives/includes/panel.html#quick", context)

    return fragment_or_redirect(
        request,
        fragment=fragment,
        back=_back_url(request, objective),
        message=message,
        error=error,
    )


@require_POST
def progress(request, pk: int):
    objective = selectors.get_objective_to_change_or_404(viewer=request.user, pk=pk)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        return _quick(request, objective, error=first_form_error(form))
    try:
        services.objective_update_progress(
            objective=objective,
            by=request.user,
            progress=form.cleaned_data["progress"],
            note=form.cleaned_data["note"],
        )
    except ServiceError as error:
        return _quick(request, objective, error=error_text(error))
    return _quick(request, objective, message=f"Progress saved: {form.cleaned_data['progress']} %.")


@require_POST
def key_result_update(request, pk: int):
    key_result = selectors.get_key_result_to_change_or_404(viewer=request.user, pk=pk)
    objective = key_result.objective
    form = KeyResultUpdateForm(request.POST)
    if not form.is_valid():
        return _quick(request, objective, error=first_form_error(form))
    try:
        services.key_result_update(
            key_result=key_result,
            by=request.user,
            current=form.cleaned_data["current"],
            note=form.cleaned_data["note"],
        )
    except ServiceError as error:
        return _quick(request, objective, error=error_text(error))
    return _quick(request, objective, message=f"“{key_result.title}” updated.")


@require_POST
def key_result_add(request, pk: int):
    objective = selectors.get_objective_to_change_or_404(viewer=request.user, pk=pk)
    form = KeyResultForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"The key result was not added: {first_form_error(form)}")
        return _back(request, objective)
    _run(
        request,
        lambda: services.key_result_add(objective=objective, by=request.user, **form.cleaned_data),
        "Key result added.",
    )
    return _back(request, objective)


@require_POST
def key_result_remove(request, pk: int):
    key_result = selectors.get_key_result_to_change_or_404(viewer=request.user, pk=pk)
    _run(
        request,
        lambda: services.key_result_remove(key_result=key_result, by=request.user),
        "Key result removed.",
    )
    return _back(request, key_result.objective)


@require_POST
def score(request, pk: int):
    objective = selectors.get_objective_to_change_or_404(viewer=request.user, pk=pk)
    form = ScoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"The score was not saved: {first_form_error(form)}")
        return _back(request, objective)
    _run(
        request,
        lambda: services.objective_set_score(
            objective=objective,
            by=request.user,
            score=form.cleaned_data["score"],
            note=form.cleaned_data["note"],
        ),
        "Score saved.",
    )
    return _back(request, objective)


@require_POST
def comment(request, pk: int):
    objective = selectors.get_objective_to_change_or_404(viewer=request.user, pk=pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write something before posting the comment.")
        return _back(request, objective)
    _run(
        request,
        lambda: services.objective_comment(
            objective=objective, by=request.user, body=form.cleaned_data["body"]
        ),
        "Comment posted.",
    )
    return _back(request, objective)
