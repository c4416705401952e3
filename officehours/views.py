"""Office hours pages: "Office hours" (whose open time I may sign up for, and my
sign-ups) and "My office hours" (publish, edit, pause, delete; who signed up).

Plain forms that work without JavaScript: a POST redirects, or re-renders the page
with the error beside the form it is about."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from meetings.formatting import format_span
from officehours import selectors, services
from officehours.forms import CancelSignUpForm, DeleteForm, OfficeHoursForm, SignUpForm
from officehours.models import OfficeHours, SignUp
from officehours.services import SlotTaken
from officehours.slots import WEEKS_AHEAD, Slot
from oneonones.errors import ServiceError, form_error, message_error
from oneonones.http import safe_next_url
from people.selectors import has_reports

# Shown as "the next free ones" to someone who just lost a slot.
NEXT_FREE = 5


@dataclass
class HostCard:
    hours: OfficeHours
    free: list[Slot]
    form: SignUpForm
    next_free: list[str]


@dataclass
class SignUpRow:
    sign_up: SignUp
    when: str
    other: Any
    cancel_form: CancelSignUpForm


def _when(sign_up: SignUp, zone) -> str:
    return format_span(sign_up.meeting.starts_at, sign_up.meeting.ends_at, zone)


def _rows(request: HttpRequest, sign_ups) -> list[SignUpRow]:
    zone = request.user.zone
    return [
        SignUpRow(
            sign_up=item,
            when=_when(item, zone),
            other=item.meeting.other_person(request.user),
            cancel_form=CancelSignUpForm(prefix=f"s{item.pk}"),
        )
        for item in sign_ups
    ]


def _render_index(
    request: HttpRequest,
    *,
    bound: SignUpForm | None = None,
    bound_for: int | None = None,
    taken: bool = False,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    open_times = selectors.free_slots(
        viewer=user, hours=list(selectors.office_hours_open_to(viewer=user))
    )
    cards = []
    for item in open_times:
        form = SignUpForm(prefix=f"h{item.hours.pk}", slots=item.free, zone=user.zone)
        next_free: list[str] = []
        if item.hours.pk == bound_for and bound is not None:
            # The same fields and errors, offered the slots free now.
            form = bound
            form.fields["slot"].choices = SignUpForm(
                slots=item.free, zone=user.zone
            ).fields["slot"].choices
            if taken:
                next_free = [
                    format_span(slot.starts_at, slot.ends_at, user.zone)
                    for slot in item.free[:NEXT_FREE]
                ]
        cards.append(HostCard(item.hours, item.free, form, next_free))
    context = {
        "cards": cards,
        "weeks_ahead": WEEKS_AHEAD,
        "my_sign_ups": _rows(request, selectors.sign_ups_of(viewer=user)),
    }
    return render(request, "officehours/index.html", context, status=status)


def index(request: HttpRequest) -> HttpResponse:
    return _render_index(request)


@require_POST
def sign_up(request: HttpRequest, pk: int) -> HttpResponse:
    hours = selectors.get_office_hours_open_to_or_404(viewer=request.user, pk=pk)
    form = SignUpForm(request.POST, prefix=f"h{hours.pk}", slots=[], zone=request.user.zone)
    taken = False
    if form.is_valid():
        try:
            made = services.sign_up(
                hours=hours,
                person=request.user,
                starts_at=form.cleaned_data["slot"],
                topic=form.cleaned_data["topic"],
            )
        except SlotTaken as error:
            taken = True
            form_error(form, error)
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"You are signed up with {hours.host.full_name}, "
                f"{_when(made, request.user.zone)}. It is in both your calendars.",
            )
            return redirect("officehours:index")
    return _render_index(
        request, bound=form, bound_for=hours.pk, taken=taken, status=409 if taken else 400
    )


@require_POST
def sign_up_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_sign_up_for_user_or_404(viewer=request.user, pk=pk)
    form = CancelSignUpForm(request.POST, prefix=f"s{item.pk}")
    default = reverse("officehours:index")
    if form.is_valid():
        try:
            services.sign_up_cancel(
                sign_up=item,
                by=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            message_error(request, error)
        else:
            other = item.meeting.other_person(request.user)
            messages.success(
                request, f"Cancelled. The slot is free again, and {other.full_name} is told."
            )
    else:
        messages.error(request, "Choose why you cancel.")
    return redirect(safe_next_url(request, default))


# --- The host's page -------------------------------------------------------------------


def mine(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "own": list(selectors.own_office_hours(viewer=user)),
        "sign_ups": _rows(request, selectors.sign_ups_hosted_by(viewer=user)),
    }
    return render(request, "officehours/mine.html", context)


def _render_form(request: HttpRequest, form: OfficeHoursForm, *, hours=None, status=200):
    return render(
        request, "officehours/form.html", {"form": form, "hours": hours}, status=status
    )


def publish(request: HttpRequest) -> HttpResponse:
    user = request.user
    reports = has_reports(person=user)
    if request.method != "POST":
        return _render_form(request, OfficeHoursForm(host=user, has_reports=reports))
    form = OfficeHoursForm(request.POST, host=user, has_reports=reports)
    if form.is_valid():
        try:
            hours = services.office_hours_publish(host=user, **form.cleaned_data)
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Published: {hours.description}.")
            return redirect("officehours:mine")
    return _render_form(request, form, status=400)


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    hours = selectors.get_own_office_hours_or_404(viewer=user, pk=pk)
    reports = has_reports(person=user)
    if request.method != "POST":
        form = OfficeHoursForm(
            initial=OfficeHoursForm.initial_of(hours), host=user, has_reports=reports
        )
        return _render_form(request, form, hours=hours)
    form = OfficeHoursForm(request.POST, host=user, has_reports=reports)
    if form.is_valid():
        try:
            edited = services.office_hours_update(hours=hours, by=user, **form.cleaned_data)
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Saved: {edited.hours.description}.")
            if edited.outside:
                names = "; ".join(
                    f"{item.meeting.participant.full_name}, {_when(item, user.zone)}"
                    for item in edited.outside
                )
                messages.warning(
                    request,
                    f"Booked sign-ups outside the new times stay booked: {names}. "
                    "Cancel any that no longer suit; the person is told.",
                )
            return redirect("officehours:mine")
    return _render_form(request, form, hours=hours, status=400)


@require_POST
def pause(request: HttpRequest, pk: int) -> HttpResponse:
    hours = selectors.get_own_office_hours_or_404(viewer=request.user, pk=pk)
    services.office_hours_pause(hours=hours, by=request.user)
    messages.success(request, "Paused: nobody can sign up until you resume. Booked sign-ups stay.")
    return redirect("officehours:mine")


@require_POST
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    hours = selectors.get_own_office_hours_or_404(viewer=request.user, pk=pk)
    services.office_hours_resume(hours=hours, by=request.user)
    messages.success(request, "Open again for sign-ups.")
    return redirect("officehours:mine")


def delete(request: HttpRequest, pk: int) -> HttpResponse:
    hours = selectors.get_own_office_hours_or_404(viewer=request.user, pk=pk)
    booked = services.upcoming_sign_ups(hours)
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        cancelled = services.office_hours_delete(
            hours=hours, by=request.user, cancel_booked=form.cleaned_data["booked"] == "cancel"
        )
        if cancelled:
            messages.success(request, f"Deleted, and {cancelled} booked sign-ups cancelled.")
        else:
            messages.success(request, "Deleted. Sign-ups already booked stay booked.")
        return redirect("officehours:mine")
    status = 400 if request.method == "POST" else 200
    context = {"hours": hours, "booked": len(booked), "form": form}
    return render(request, "officehours/delete.html", context, status=status)
