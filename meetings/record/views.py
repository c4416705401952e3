"""Views of the meeting page's content: agenda, next-time list, notes, actions,
wrap-up, feedback, "My actions" and agenda templates.

Every change is a POST. From htmx it answers with the updated fragment of the
meeting page (a template partial); without JavaScript it redirects back to the
page with a message, so the page works either way.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from meetings import selectors
from meetings.models import Kind, Meeting
from meetings.record import selectors as record_selectors
from meetings.record import services as record_services
from meetings.record.forms import (
    ActionForm,
    AgendaItemForm,
    FeedbackForm,
    NoteForm,
    TemplateForm,
    owner_choices,
)
from objectives.selectors import active_objectives_read, get_objective_to_change_or_404
from oneonones.db import Read, read_together
from oneonones.errors import ServiceError, error_text, form_error, message_error
from oneonones.http import NOT_UNDERSTOOD, first_form_error, id_or_404, parse_int, safe_next_url
from people.viewer import manages_anyone, manages_anyone_read, note_manages_anyone
from wellbeing.forms import CheckInForm
from wellbeing.selectors import latest_shared_checkin_read

PAGE_SIZE = 20
PAGE = "meetings/_meeting_record.html"


# --- The meeting page -----------------------------------------------------------------------


# What a fragment's answer says after a form (the views below pass them as ``extra``):
# empty on the page itself, but named, so that the template does not look each of them
# up in vain (an exception and a log call a look-up, some twenty a page).
FRAGMENT_STATE: dict[str, str] = dict.fromkeys(
    (
        "error",
        "done",
        "focus",
        "focus_id",
        "conflict",
        "draft",
        "note_saved",
        "next_time_error",
        "next_time_done",
        "action_error",
        # The objectives panel's (objectives/includes/panel.html#quick).
        "quick_next",
        "quick_message",
        "quick_error",
    ),
    "",
)


def meeting_page_context(request, meeting: Meeting, **extra) -> dict:
    """What the meeting page shows its two people beyond time and place. Nothing for
    anyone else (the selector returns no record for them).

    The record and the panels of the objectives and wellbeing apps are read in one
    statement (``read_together``), each by its own app's selector."""
    user = request.user
    record_read = record_selectors.meeting_record_read(meeting=meeting, viewer=user)
    if record_read is None:
        return {"record": None}
    now = timezone.now()
    is_participant = user.pk == meeting.participant_id
    scheduled = meeting.status == Meeting.Status.SCHEDULED
    # A mentoring check-in is outside the reporting line: no objectives or wellbeing
    # panels (they are the line's), and the mentee leads the agenda.
    line = meeting.kind != Kind.MENTORING
    reads: dict[str, Read[Any]] = {"record": record_read}
    if line:
        report = meeting.participant
        reads["objectives"] = active_objectives_read(owner=report, viewer=user)
        reads["wellbeing_checkin"] = latest_shared_checkin_read(report=report, viewer=user)
    # Whether the viewer has reports, for the menu: in the same statement.
    manages = manages_anyone_read(request)
    if manages is not None:
        reads["manages"] = manages
    found = read_together(reads)
    if manages is not None:
        note_manages_anyone(request, manages=found["manages"])
    record = found["record"]
    is_lead = user.pk == meeting.agenda_lead_id
    context = {
        **FRAGMENT_STATE,
        "record": record,
        # What the forms post to is under these two addresses (see _meeting_record.html).
        "meeting_url": reverse("meetings:meeting", args=[meeting.pk]),
        "actions_url": reverse("meetings:my_actions"),
        # Whose items are whose: the viewer's id, not the signed-in user (a lazy
        # object each look-up goes through) looked up a row.
        "viewer_id": user.pk,
        "is_participant": is_participant,
        "is_lead": is_lead,
        "line_meeting": line,
        "agenda_open": scheduled,
        "may_complete": scheduled and meeting.starts_at <= now,
        "today": timezone.localdate(),
        # The options of the actions' "Who" selects (ActionForm's, the report first).
        "owner_choices": owner_choices(meeting=meeting, viewer=user),
        # Only the agenda's lead gives feedback, once the meeting is held (the only
        # place the page shows the form); building it for everyone else cost some 500
        # Python calls of a page of 17,700.
        "feedback_form": (
            _feedback_form(record)
            if is_lead and meeting.status == Meeting.Status.COMPLETED
            else None
        ),
        "objectives": found.get("objectives", []),
        # The objectives panel's "Discuss in this 1:1" button while the agenda is open,
        # "Discuss at next 1:1" once the meeting is over.
        "discuss_meeting": meeting if scheduled else None,
        "discuss_next": True,
    }
    if line:
        context["wellbeing_checkin"] = found["wellbeing_checkin"]
        if is_participant:
            context["checkin_form"] = CheckInForm()
    context.update(extra)
    return context


def _feedback_form(record) -> FeedbackForm:
    feedback = record.feedback
    if feedback is None:
        return FeedbackForm()
    return FeedbackForm(
        initial={
            "usefulness": feedback.usefulness,
            "help_more": feedback.help_more,
            "preferred_frequency": feedback.preferred_frequency,
        }
    )


def _fragment(request, meeting: Meeting, partial: str, **extra):
    """The updated fragment for htmx, or back to the page for a plain form post."""
    if not request.htmx:
        error = extra.get("error")
        if error:
            messages.error(request, error)
        elif extra.get("done"):
            messages.success(request, extra["done"])
        return redirect("meetings:meeting", meeting.pk)
    meeting = selectors.get_meeting_to_change_or_404(viewer=request.user, pk=meeting.pk)
    context = {"meeting": meeting, "one_of_two": True, **extra}
    context.update(meeting_page_context(request, meeting, **extra))
    return render(request, f"{PAGE}#{partial}", context)


def _write_meeting(request, pk: int) -> Meeting:
    return selectors.get_meeting_to_change_or_404(viewer=request.user, pk=pk)


def _posted_meeting(request) -> Meeting | None:
    """The meeting a form names in its ``meeting`` field (404 if it is not one of yours)."""
    if not request.POST.get("meeting"):
        return None
    return _write_meeting(request, id_or_404(request.POST["meeting"]))


# --- Agenda ----------------------------------------------------------------------------------


@require_POST
def agenda_add(request, pk: int):
    meeting = _write_meeting(request, pk)
    form = AgendaItemForm(request.POST)
    if not form.is_valid():
        return _fragment(request, meeting, "agenda", error=first_form_error(form))
    try:
        record_services.agenda_item_add(
            meeting=meeting, by=request.user, text=form.cleaned_data["text"]
        )
    except ServiceError as error:
        return _fragment(request, meeting, "agenda", error=error_text(error))
    return _fragment(request, meeting, "agenda", done="Added to the agenda.", focus="add")


@require_POST
def agenda_move(request, pk: int, item_pk: int):
    meeting = _write_meeting(request, pk)
    item = record_selectors.get_agenda_item_for_user_or_404(
        viewer=request.user, pk=item_pk, meeting=meeting
    )
    direction = request.POST.get("direction", "")
    try:
        record_services.agenda_item_move(item=item, by=request.user, direction=direction)
    except ServiceError as error:
        return _fragment(request, meeting, "agenda", error=error_text(error))
    return _fragment(request, meeting, "agenda", focus=direction, focus_id=item.pk)


@require_POST
def agenda_discussed(request, pk: int, item_pk: int):
    meeting = _write_meeting(request, pk)
    item = record_selectors.get_agenda_item_for_user_or_404(
        viewer=request.user, pk=item_pk, meeting=meeting
    )
    discussed = request.POST.get("discussed") == "1"
    try:
        record_services.agenda_item_set_discussed(item=item, by=request.user, discussed=discussed)
    except ServiceError as error:
        return _fragment(request, meeting, "agenda", error=error_text(error))
    return _fragment(request, meeting, "agenda", focus="discussed", focus_id=item.pk)


@require_POST
def agenda_remove(request, pk: int, item_pk: int):
    meeting = _write_meeting(request, pk)
    item = record_selectors.get_agenda_item_for_user_or_404(
        viewer=request.user, pk=item_pk, meeting=meeting
    )
    try:
        record_services.agenda_item_remove(item=item, by=request.user)
    except ServiceError as error:
        return _fragment(request, meeting, "agenda", error=error_text(error))
    return _fragment(request, meeting, "agenda", done="Removed from the agenda.")


@require_POST
def next_time_add(request, pk: int):
    """Add to the series' next-time list, from one of its meetings' pages."""
    meeting = _write_meeting(request, pk)
    series = meeting.series
    if series is None:
        raise Http404("A one-off meeting has no next time.")
    form = AgendaItemForm(request.POST)
    if not form.is_valid():
        return _fragment(request, meeting, "next_time", next_time_error=first_form_error(form))
    try:
        item = record_services.next_time_add(
            series=series,
            by=request.user,
            text=form.cleaned_data["text"],
            written_on=meeting,
        )
    except ServiceError as error:
        return _fragment(request, meeting, "next_time", next_time_error=error_text(error))
    if item.meeting is not None:
        landed = timezone.localtime(item.meeting.starts_at)
        done = f"Added to the next 1:1, on {landed:%a} {landed.day} {landed:%b}."
    else:
        done = "Added to the next-time list; it moves to the next 1:1 once one is booked."
    return _fragment(request, meeting, "next_time", next_time_done=done, done=done)


@require_POST
def agenda_edit(request, pk: int, item_pk: int):
    """The author rewrites the text of their item."""
    meeting = _write_meeting(request, pk)
    item = record_selectors.get_agenda_item_for_user_or_404(
        viewer=request.user, pk=item_pk, meeting=meeting
    )
    form = AgendaItemForm(request.POST)
    if not form.is_valid():
        return _fragment(request, meeting, "agenda", error=first_form_error(form))
    try:
        record_services.agenda_item_edit(item=item, by=request.user, text=form.cleaned_data["text"])
    except ServiceError as error:
        return _fragment(request, meeting, "agenda", error=error_text(error))
    return _fragment(request, meeting, "agenda", done="Saved the new text.", focus_id=item.pk)


# --- Notes -----------------------------------------------------------------------------------


@require_POST
def note_save(request, pk: int):
    meeting = _write_meeting(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        raise Http404("That note was not understood.")
    data = form.cleaned_data
    partial = f"note_{data['visibility']}"
    try:
        note = record_services.note_save(
            meeting=meeting,
            by=request.user,
            visibility=data["visibility"],
            body=data["body"],
            base_version=data["version"],
        )
    except record_services.NoteConflict as conflict:
        newer = conflict.note
        who = newer.updated_by or newer.author
        message = (
            f"{who} saved a newer version at {timezone.localtime(newer.updated_at):%H:%M} "
            "while you were editing, so yours was not saved. Their text is shown below; "
            "your text is still in the box. Combine them and save again."
        )
        if not request.htmx:
            messages.error(request, message)
            return redirect("meetings:meeting", meeting.pk)
        return _fragment(
            request, meeting, partial, conflict=newer, draft=data["body"], error=message
        )
    except ServiceError as error:
        return _fragment(request, meeting, partial, error=error_text(error))
    saved = f"Saved at {timezone.localtime(note.updated_at):%H:%M}."
    return _fragment(request, meeting, partial, done=saved, note_saved=saved)


# --- Actions ---------------------------------------------------------------------------------


@require_POST
def action_add(request, pk: int):
    meeting = _write_meeting(request, pk)
    form = ActionForm(request.POST, meeting=meeting, viewer=request.user)
    if not form.is_valid():
        return _fragment(request, meeting, "actions", action_error=first_form_error(form))
    try:
        record_services.action_add(
            meeting=meeting,
            by=request.user,
            owner=form.owner_person(),
            description=form.cleaned_data["description"],
            due_date=form.cleaned_data["due_date"],
        )
    except ServiceError as error:
        return _fragment(request, meeting, "actions", action_error=error_text(error))
    return _fragment(request, meeting, "actions", done="Action added.", focus="action-new")


def _action_on_meeting(request, pk: int, action_pk: int):
    meeting = _write_meeting(request, pk)
    action = record_selectors.get_action_for_user_or_404(viewer=request.user, pk=action_pk)
    if not record_selectors.actions_on(meeting).filter(pk=action.pk).exists():
        raise Http404("No such action.")
    return meeting, action


def _action_error(request, meeting: Meeting, text: str):
    # ``error`` too: without JavaScript it is the message shown after the redirect.
    return _fragment(request, meeting, "actions", action_error=text, error=text)


@require_POST
def action_edit(request, pk: int, action_pk: int):
    """The owner or the organiser changes what, who and when."""
    meeting, action = _action_on_meeting(request, pk, action_pk)
    form = ActionForm(request.POST, meeting=action.meeting or action.series, viewer=request.user)
    if not form.is_valid():
        return _action_error(request, meeting, first_form_error(form))
    try:
        record_services.action_update(
            action=action,
            by=request.user,
            description=form.cleaned_data["description"],
            owner=form.owner_person(),
            due_date=form.cleaned_data["due_date"],
        )
    except ServiceError as error:
        return _action_error(request, meeting, error_text(error))
    return _fragment(request, meeting, "actions", done="Action saved.")


@require_POST
def action_delete(request, pk: int, action_pk: int):
    meeting, action = _action_on_meeting(request, pk, action_pk)
    try:
        record_services.action_delete(action=action, by=request.user)
    except ServiceError as error:
        return _action_error(request, meeting, error_text(error))
    return _fragment(request, meeting, "actions", done="Action deleted.", focus="action-new")


@require_POST
def action_done(request, action_pk: int):
    """Tick or untick an action, from a meeting page or from "My actions"."""
    action = record_selectors.get_action_for_user_or_404(viewer=request.user, pk=action_pk)
    done = request.POST.get("done") == "1"
    record_services.action_set_done(action=action, by=request.user, done=done)
    meeting = _posted_meeting(request) if request.htmx else None
    if meeting is not None:
        return _fragment(request, meeting, "actions", focus="done", focus_id=action.pk)
    if request.htmx:
        mine = record_selectors.my_action_or_none(viewer=request.user, pk=action.pk)
        if mine is None:  # someone else's action, ticked from a meeting page
            raise Http404("No such action.")
        context = {"action": mine, "focus": True, "today": timezone.localdate()}
        return render(request, "meetings/my_actions.html#row", context)
    messages.success(request, "Marked done." if done else "Marked not done.")
    return redirect(safe_next_url(request, reverse("meetings:my_actions")))


def my_actions(request):
    actions = record_selectors.my_actions(viewer=request.user)
    page = Paginator(actions, PAGE_SIZE).get_page(request.GET.get("page"))
    open_count = record_selectors.open_actions_count(viewer=request.user)
    context = {"page": page, "open_count": open_count, "today": timezone.localdate()}
    return render(request, "meetings/my_actions.html", context)


# --- Wrap-up and feedback ----------------------------------------------------------------------


@require_POST
def meeting_complete(request, pk: int):
    meeting = _write_meeting(request, pk)
    try:
        record_services.meeting_complete(meeting=meeting, by=request.user)
    except ServiceError as error:
        message_error(request, error)
    else:
        messages.success(
            request,
            "Completed. Anything not discussed moves to the next 1:1, and you both get a "
            "summary by email.",
        )
    return redirect("meetings:meeting", meeting.pk)


@require_POST
def feedback(request, pk: int):
    meeting = _write_meeting(request, pk)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_form_error(form))
        return redirect("meetings:meeting", meeting.pk)
    try:
        record_services.feedback_save(meeting=meeting, by=request.user, **form.cleaned_data)
    except ServiceError as error:
        message_error(request, error)
    else:
        messages.success(
            request, f"Thank you. {meeting.other_person_of_lead} can see your feedback."
        )
    return redirect("meetings:meeting", meeting.pk)


# --- Objectives at the next 1:1 ------------------------------------------------------------------


@require_POST
def objective_discuss(request, objective_pk: int):
    """ "Discuss at next 1:1" on an objective (or "in this 1:1" from a meeting page)."""
    objective = get_objective_to_change_or_404(viewer=request.user, pk=objective_pk)
    meeting = _posted_meeting(request)
    try:
        result = record_services.agenda_discuss_objective(
            objective=objective, by=request.user, meeting=meeting
        )
    except ServiceError as error:
        message_error(request, error)
        return redirect(safe_next_url(request, reverse("objectives:detail", args=[objective.pk])))
    if result.item.meeting is None:  # always on a meeting: the service puts it on one
        raise Http404("No such meeting.")
    when = timezone.localtime(result.item.meeting.starts_at)
    day = f"{when:%a} {when.day} {when:%b}"
    if result.created:
        messages.success(request, f"“{objective.title}” is on the agenda of the 1:1 on {day}.")
    else:
        messages.info(request, f"“{objective.title}” is already on the agenda of the 1:1 on {day}.")
    return redirect(
        safe_next_url(request, reverse("meetings:meeting", args=[result.item.meeting_id]))
    )


# --- Agenda templates ----------------------------------------------------------------------------


def templates(request):
    context = {
        "templates": record_selectors.templates_visible_to(viewer=request.user).prefetch_related(
            "items"
        ),
        "is_manager": manages_anyone(request),
    }
    return render(request, "meetings/templates.html", context)


def _template_form_page(request, form, template=None):
    return render(request, "meetings/template_form.html", {"form": form, "template": template})


def template_new(request):
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_services.template_create(
                owner=request.user,
                name=data["name"],
                description=data["description"],
                prompts=record_services.parse_prompts(data["prompts"]),
            )
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Saved the template “{data['name']}”. Only you see it.")
            return redirect("meetings:templates")
    return _template_form_page(request, form)


def template_edit(request, pk: int):
    template = record_selectors.get_template_to_change_or_404(viewer=request.user, pk=pk)
    initial = {
        "name": template.name,
        "description": template.description,
        "prompts": record_services.prompts_text(template),
    }
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_services.template_update(
                template=template,
                by=request.user,
                name=data["name"],
                description=data["description"],
                prompts=record_services.parse_prompts(data["prompts"]),
            )
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(request, "Saved. Your series using it show the new prompts.")
            return redirect("meetings:templates")
    return _template_form_page(request, form, template)


@require_POST
def template_delete(request, pk: int):
    template = record_selectors.get_template_to_change_or_404(viewer=request.user, pk=pk)
    record_services.template_delete(template=template, by=request.user)
    messages.success(request, f"Deleted “{template.name}”.")
    return redirect("meetings:templates")


# --- After a change of manager: what the report brings ------------------------------------


def bring_to_new_manager(request):
    """The report's page after their manager changed: their undiscussed agenda items and
    the old pair's open actions, with a box each, to bring to the new manager. Only ever
    the viewer's own: nobody else (the old or the new manager included) sees or sends
    it. Nothing is copied until they choose."""
    user = request.user
    if request.method == "POST":
        handover = record_selectors.get_handover_to_choose_or_404(
            viewer=user, pk=id_or_404(request.POST.get("handover"))
        )
        item_ids = [parse_int(value) for value in request.POST.getlist("items")]
        action_ids = [parse_int(value) for value in request.POST.getlist("actions")]
        try:
            if None in item_ids or None in action_ids:
                raise ServiceError(NOT_UNDERSTOOD)
            record_services.handover_choose(
                handover=handover,
                by=user,
                item_ids=[pk for pk in item_ids if pk is not None],
                action_ids=[pk for pk in action_ids if pk is not None],
            )
        except ServiceError as error:
            message_error(request, error)
        else:
            chosen = len(item_ids) + len(action_ids)
            to = handover.new_manager or "your next manager"
            messages.success(
                request,
                f"Brought {chosen} to your 1:1s with {to}: they go on your next 1:1 "
                "as soon as one is booked."
                if chosen
                else f"Nothing brought: your 1:1s with {to} start afresh.",
            )
        return redirect("meetings:bring_to_new_manager")
    offers = [
        (handover, record_selectors.handover_offer(handover=handover))
        for handover in record_selectors.handovers_to_choose(viewer=user)
    ]
    return render(request, "meetings/bring_to_new_manager.html", {"offers": offers})
