import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from meetings import selectors
from meetings.formatting import (
    address_of,
    clash_message,
    day_text,
    day_time_text,
    list_rows,
)
from meetings.models import ChangeRequest, Kind, Meeting, MeetingSeries
from meetings.record.views import meeting_page_context
from meetings.scheduling import services
from meetings.scheduling.forms import (
    CancelForm,
    MetSinceForm,
    MoveForm,
    OneOffForm,
    SeriesForm,
)
from notifications import selectors as notification_selectors
from oneonones.errors import ServiceError, form_error, message_error
from oneonones.http import id_or_404
from people.models import RecordAccess
from people.selectors import get_person_for_user_or_404, has_reports
from people.services import record_access

PAGE_SIZE = 20


# --- My 1:1s, My team ----------------------------------------------------------------


def mine(request):
    user = request.user
    past = request.GET.get("when") == "past"
    mine = selectors.my_meetings_page(
        viewer=user, past=past, number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    context = {
        "page": mine.page,
        "rows": list_rows(
            mine.page.object_list, viewer_id=user.pk, address=address_of("meetings:meeting")
        ),
        "past": past,
        "my_requests": mine.requests,
        # Read only: the address is made when the person asks for it (a POST).
        "feed": notification_selectors.feed_of(viewer=user),
    }
    return render(request, "meetings/mine.html", context)


@require_GET
def met_everyone(request):
    """Seed 002: which of my reports I have met since a day (six weeks ago unless
    another is chosen), and who is still to meet, with a way to book. Managers only."""
    user = request.user
    if not has_reports(person=user):
        raise Http404("No such page.")
    today = timezone.localdate(timezone.now(), user.zone)
    form = MetSinceForm(
        request.GET if "since" in request.GET else None,
        today=today,
        default=selectors.default_met_since(viewer=user),
    )
    since = form.chosen()
    reports = list(selectors.met_since(viewer=user, since=since))
    context = {
        "form": form,
        "since": since,
        "reports": reports,
        "met": sum(1 for report in reports if getattr(report, "last_met_at", None)),
        "first_term_days": selectors.FIRST_TERM_DAYS,
    }
    return render(request, "meetings/met_everyone.html", context)


def team(request):
    user = request.user
    read = selectors.team_page_read(manager=user)
    meeting_address = address_of("meetings:meeting")
    series_address = address_of("meetings:series")
    # Each report's row as shown, written once here: no {% url %} or filter per row.
    reports = [
        {
            "pk": report.id,
            "full_name": report.full_name,
            "job_title": report.job_title,
            "last_held": day_text(report.last_held_at) if report.last_held_at else "",
            "next": day_time_text(report.next_meeting_at) if report.next_meeting_at else "",
            "next_url": meeting_address(report.next_meeting_id) if report.next_meeting_id else "",
            "open_series": [
                {
                    "url": series_address(series.pk),
                    "cadence": series.cadence_text,
                    "paused": series.status == MeetingSeries.Status.PAUSED,
                }
                for series in report.open_series
            ],
        }
        for report in read.reports
    ]
    context = {"reports": reports, "requests": read.requests, "clashes": read.clashes}
    return render(request, "meetings/team.html", context)


# --- Series --------------------------------------------------------------------------


def _preview(request, form, *, series=None):
    """The next few dates of the cadence being picked, with any clashes."""
    context = {"form": form, "starts": [], "preview_ok": False}
    form.is_valid()
    data = form.cleaned_data
    if "cadence" not in data or form.has_error("pattern") or form.has_error("end_date"):
        return context
    starts = form.upcoming_starts(data)
    people = [request.user]
    participant = data.get("participant") or (series.participant if series else None)
    if participant is not None:
        people.append(participant)
    clashes = selectors.clashes_at(
        people=people,
        starts=starts,
        minutes=data.get("duration_minutes") or 30,
        ignore_series=series,
    )
    context["starts"] = [
        (start, _clash_text(clashes.get(start), viewer=request.user)) for start in starts
    ]
    context["preview_ok"] = True
    if starts and 2 * len(clashes) > len(starts):
        context["mostly_clash"] = (
            f"{len(clashes)} of the next {len(starts)} meetings clash with other meetings: "
            "they would each need a new time. Try another day or time before saving."
        )
    return context


def _clash_text(attendance, *, viewer) -> str:
    if attendance is None:
        return ""
    return clash_message(person=attendance.person, clashing=attendance.meeting, viewer=viewer)


def series_new(request):
    user = request.user
    initial: dict[str, object] = {}
    if "participant" in request.GET:
        report = get_person_for_user_or_404(viewer=user, pk=id_or_404(request.GET["participant"]))
        initial["participant"] = report.pk
    elif "mentor" in request.GET:
        # From My mentoring: the form offers only the viewer's own mentors, so another id
        # preselects nothing.
        initial["participant"] = id_or_404(request.GET["mentor"])
        initial["kind"] = Kind.MENTORING
    form = SeriesForm(request.POST or None, organiser=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.series_create(
                organiser=user, participant=form.cleaned_data["participant"], **form.series_fields()
            )
        except ServiceError as error:
            form_error(form, error)
        else:
            what = "check-ins" if series.kind == Kind.MENTORING else "1:1s"
            messages.success(
                request,
                f"Booked with {series.participant}. The next six months of {what} are in "
                "both your calendars.",
            )
            return redirect("meetings:series", series.pk)
    return render(request, "meetings/series_form.html", {"form": form, "series": None})


@require_GET
def series_preview(request):
    series = None
    if request.GET.get("series"):
        series = selectors.get_series_to_change_or_404(
            viewer=request.user, pk=id_or_404(request.GET["series"])
        )
    form = SeriesForm(request.GET, organiser=request.user, series=series)
    context = _preview(request, form, series=series)
    return render(request, "meetings/series_form.html#preview", context)


def _record_look(request, meeting_or_series, *, kind: str) -> None:
    """Someone above the two people (their line, or HR) opened their meeting or series:
    recorded for the two, unless the viewer is in that person's line."""
    record_access(
        viewer=request.user,
        person_ids=[meeting_or_series.organiser_id, meeting_or_series.participant_id],
        kind=kind,
    )


def series_detail(request, pk: int):
    series = selectors.get_series_for_user_or_404(viewer=request.user, pk=pk)
    one_of_two = selectors.is_one_of_the_two(viewer=request.user, meeting_or_series=series)
    if not one_of_two:
        _record_look(request, series, kind=RecordAccess.Kind.SERIES)
    read = selectors.series_page_read(series=series, viewer=request.user)
    meeting_address = address_of("meetings:meeting")
    context = {
        "series": series,
        "one_of_two": one_of_two,
        "is_organiser": request.user.pk == series.organiser_id,
        # The report gives feedback; in a mentoring series, the mentee (the organiser).
        "gives_feedback": request.user.pk == series.agenda_lead_id,
        "feedback_giver": series.organiser
        if series.agenda_lead_id == series.organiser_id
        else series.participant,
        "upcoming": list_rows(read.upcoming, viewer_id=request.user.pk, address=meeting_address),
        "past": list_rows(read.past, viewer_id=request.user.pk, address=meeting_address),
        "clashes": read.clashes,
        "requests": read.requests,
        "feedback": [
            {"url": meeting_address(f.meeting_id), "day": day_text(starts_at), "f": f}
            for starts_at, f in read.feedback
        ],
    }
    if request.htmx:
        return render(request, "meetings/series_detail.html#upcoming", context)
    return render(request, "meetings/series_detail.html", context)


def series_edit(request, pk: int):
    series = selectors.get_series_to_change_or_404(viewer=request.user, pk=pk)
    form = SeriesForm(request.POST or None, organiser=request.user, series=series)
    if request.method == "POST" and form.is_valid():
        fields = form.series_fields()
        try:
            services.series_update(series=series, by=request.user, **fields)
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                "Saved. Future meetings follow the new settings, with their agendas and "
                "notes; any that could not are listed under “Needs a new time”.",
            )
            return redirect("meetings:series", series.pk)
    return render(request, "meetings/series_form.html", {"form": form, "series": series})


def _series_action(request, pk: int, action, done: str):
    series = selectors.get_series_to_change_or_404(viewer=request.user, pk=pk)
    try:
        action(series=series, by=request.user)
    except ServiceError as error:
        message_error(request, error)
    else:
        messages.success(request, done)
    return redirect("meetings:series", series.pk)


@require_POST
def series_pause(request, pk: int):
    return _series_action(
        request, pk, services.series_pause, "Paused. No new meetings are added until you resume."
    )


@require_POST
def series_resume(request, pk: int):
    return _series_action(
        request, pk, services.series_resume, "Resumed. The next six months are being booked."
    )


@require_POST
def series_end(request, pk: int):
    return _series_action(
        request,
        pk,
        services.series_end,
        "Ended. Future meetings nobody had touched are removed from both calendars.",
    )


@require_POST
def clash_rebook(request, pk: int):
    clash = selectors.get_clash_for_user_or_404(viewer=request.user, pk=pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.clash_book_other_time(
                clash=clash,
                by=request.user,
                starts_at=form.cleaned_data["starts_at"],
                note=form.cleaned_data["note"],
            )
        except services.MeetingClash as clash_error:
            messages.error(request, clash_error.message)
        except ServiceError as error:
            message_error(request, error)
        else:
            messages.success(request, "Booked at the new time.")
            return redirect("meetings:meeting", meeting.pk)
    else:
        errors = form.errors.get("starts_at") or ["Pick a new time."]
        messages.error(request, " ".join(str(error) for error in errors))
    return redirect("meetings:series", clash.series_id)


@require_POST
def clash_skip(request, pk: int):
    clash = selectors.get_clash_for_user_or_404(viewer=request.user, pk=pk)
    services.clash_skip(clash=clash, by=request.user)
    if clash.meeting_id:
        messages.success(request, "Cancelled that one; its agenda moves on to the next 1:1.")
    else:
        messages.success(request, "Skipped that one; the rest of the series is unchanged.")
    return redirect("meetings:series", clash.series_id)


# --- Meetings ------------------------------------------------------------------------


def meeting_new(request):
    user = request.user
    initial: dict[str, object] = {}
    if "participant" in request.GET:
        initial["participant"] = id_or_404(request.GET["participant"])
    form = OneOffForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_book(
                organiser=user,
                participant=data["participant"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                kind=data["kind"],
                format=data["format"],
                location=data["location"],
            )
        except services.MeetingClash as clash:
            form.add_error("starts_at", clash.message)
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Booked a 1:1 with {meeting.participant}.")
            return redirect("meetings:meeting", meeting.pk)
    return render(request, "meetings/meeting_new.html", {"form": form})


def skipped_start_note(meeting: Meeting) -> str:
    """What to tell the two about a meeting of a series whose local start time does not
    exist on its day (the clocks go forward through it, so ``expand`` put it an hour
    later); empty for every other meeting."""
    series = meeting.series
    if series is None or meeting.slot is None or meeting.starts_at != meeting.slot:
        return ""
    zone = series.zone
    local = meeting.slot.astimezone(zone)
    wanted = dt.datetime.combine(local.date(), series.start_time)
    given = wanted.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    if given == wanted or given != local.replace(tzinfo=None):
        return ""
    return (
        f"{wanted:%H:%M} does not exist on {wanted:%a} {wanted.day} {wanted:%b} in "
        f"{series.time_zone}: the clocks go forward then, so this 1:1 is at "
        f"{local:%H:%M} {series.time_zone} time."
    )


def meeting_detail(request, pk: int):
    meeting = selectors.get_meeting_for_user_or_404(viewer=request.user, pk=pk)
    one_of_two = selectors.is_one_of_the_two(viewer=request.user, meeting_or_series=meeting)
    if not one_of_two:
        _record_look(request, meeting, kind=RecordAccess.Kind.MEETING)
    # Agenda, notes, actions, panels and the change requests: for the two people only
    # (the selector decides; its record reads them in one statement).
    page = meeting_page_context(request, meeting)
    requests = page["record"].requests if page["record"] is not None else []
    context = {
        "meeting": meeting,
        # The page's links to moving, cancelling and the .ics are under this address
        # (meetings/urls.py; test_meeting_page_reads.py checks they resolve), reversed
        # by the record's context for its two people.
        "meeting_url": page.get("meeting_url") or reverse("meetings:meeting", args=[meeting.pk]),
        "one_of_two": one_of_two,
        "is_organiser": request.user.pk == meeting.organiser_id,
        "changeable": one_of_two
        and meeting.status == Meeting.Status.SCHEDULED
        and meeting.ends_at > timezone.now(),
        "requests": requests,
        "pending": next((r for r in requests if r.status == ChangeRequest.Status.PENDING), None),
        "skipped_note": skipped_start_note(meeting),
    }
    context.update(page)
    return render(request, "meetings/meeting_detail.html", context)


def _change_meeting(request, pk: int, *, form_class, verb: str, act):
    """Cancel or move: the organiser does it, the participant asks for it."""
    meeting = selectors.get_meeting_to_change_or_404(viewer=request.user, pk=pk)
    is_organiser = request.user.pk == meeting.organiser_id
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = act(meeting=meeting, data=form.cleaned_data, is_organiser=is_organiser)
        except services.MeetingClash as clash:
            form.add_error("starts_at", clash.message)
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(request, done)
            return redirect("meetings:meeting", meeting.pk)
    # Either of the two cancels a sign-up to office hours without asking.
    decides = is_organiser or (verb == "cancel" and meeting.kind == Kind.OFFICE_HOURS)
    context = {
        "meeting": meeting,
        "form": form,
        "is_organiser": is_organiser,
        "decides": decides,
        "verb": verb,
    }
    return render(request, "meetings/meeting_change.html", context)


def meeting_cancel(request, pk: int):
    def act(*, meeting, data, is_organiser):
        return services.meeting_cancel_or_ask(
            meeting=meeting, by=request.user, reason=data["reason"], note=data["note"]
        ).message

    return _change_meeting(request, pk, form_class=CancelForm, verb="cancel", act=act)


def meeting_move(request, pk: int):
    def act(*, meeting, data, is_organiser):
        return services.meeting_move_or_ask(
            meeting=meeting, by=request.user, starts_at=data["starts_at"], note=data["note"]
        ).message

    return _change_meeting(request, pk, form_class=MoveForm, verb="move", act=act)


def _answer(request, pk: int, request_pk: int, *, accept: bool):
    meeting = selectors.get_meeting_to_change_or_404(viewer=request.user, pk=pk)
    change = selectors.get_request_for_organiser_or_404(
        viewer=request.user, meeting=meeting, pk=request_pk
    )
    try:
        if accept:
            services.change_request_accept(request=change, by=request.user)
        else:
            services.change_request_decline(request=change, by=request.user)
    except services.MeetingClash as clash:
        messages.error(request, f"{clash.message} Move it to another time instead.")
    except ServiceError as error:
        message_error(request, error)
    else:
        messages.success(request, "Done. " + ("Accepted." if accept else "Declined."))
    back = request.POST.get("back")
    if back == "team":
        return redirect("meetings:team")
    if back == "series" and meeting.series_id:
        return redirect("meetings:series", meeting.series_id)
    return redirect("meetings:meeting", meeting.pk)


@require_POST
def request_accept(request, pk: int, request_pk: int):
    return _answer(request, pk, request_pk, accept=True)


@require_POST
def request_decline(request, pk: int, request_pk: int):
    return _answer(request, pk, request_pk, accept=False)
