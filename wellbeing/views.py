from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from oneonones.errors import ServiceError, form_error, message_error
from oneonones.http import safe_next_url
from people.selectors import get_report_or_404, has_reports
from wellbeing import anonymity, selectors, services
from wellbeing.chart import build_chart
from wellbeing.forms import CheckInForm, DeleteAllForm, WellbeingNoteForm

PAGE_SIZE = 20
CHART_SIZE = 60  # the newest check-ins drawn in a chart; the table pages through all
TEAMS_PER_PAGE = 10
TREND_MONTHS = 6


def _checkin_history(request, checkins):
    page = Paginator(checkins, PAGE_SIZE).get_page(request.GET.get("page"))
    chart = build_chart(list(checkins[:CHART_SIZE]), zone=request.user.zone)
    return page, chart


def _render_index(request, *, form: CheckInForm, status: int = 200):
    user = request.user
    page, chart = _checkin_history(request, selectors.own_checkins(viewer=user))
    is_manager = has_reports(person=user)
    context = {
        "form": form,
        "next_url": safe_next_url(request, ""),
        "page": page,
        "chart": chart,
        "shared_notes": selectors.notes_shared_with(viewer=user),
        "is_manager": is_manager,
        "reports": selectors.reports_with_latest_shared(viewer=user) if is_manager else [],
        "former_report_notes": selectors.notes_about_former_reports(viewer=user),
        "min_group_size": anonymity.MIN_GROUP_SIZE,
        "retention_months": settings.WELLBEING_RETENTION_MONTHS,
    }
    return render(request, "wellbeing/index.html", context, status=status)


def index(request):
    return _render_index(request, form=CheckInForm())


@require_POST
def checkin_create(request):
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            checkin = services.checkin_create(employee=request.user, **form.cleaned_data)
        except ServiceError as error:
            form_error(form, error)
        else:
            if checkin.shared_with_manager:
                messages.success(
                    request,
                    f"Your check-in is saved and shared with {request.user.manager.full_name}.",
                )
            else:
                messages.success(request, "Your check-in is saved. Only you can see it.")
            return redirect(safe_next_url(request, reverse("wellbeing:index")))
    return _render_index(request, form=form, status=400)


@require_POST
def checkin_share(request, pk: int):
    checkin = selectors.get_own_checkin_or_404(viewer=request.user, pk=pk)
    try:
        services.checkin_share(checkin=checkin, by=request.user)
    except ServiceError as error:
        message_error(request, error)
    else:
        messages.success(
            request, f"Shared with {request.user.manager.full_name}. You can unshare it any time."
        )
    return redirect(safe_next_url(request, reverse("wellbeing:index")))


@require_POST
def checkin_unshare(request, pk: int):
    checkin = selectors.get_own_checkin_or_404(viewer=request.user, pk=pk)
    services.checkin_unshare(checkin=checkin, by=request.user)
    messages.success(request, "No longer shared. Only you can see this check-in.")
    return redirect(safe_next_url(request, reverse("wellbeing:index")))


@require_POST
def checkin_delete(request, pk: int):
    checkin = selectors.get_own_checkin_or_404(viewer=request.user, pk=pk)
    services.checkin_delete(checkin=checkin, by=request.user)
    messages.success(request, "The check-in is deleted.")
    return redirect(safe_next_url(request, reverse("wellbeing:index")))


def checkins_export(request):
    """The signed-in person's own check-ins, and nobody else's, as CSV."""
    body = services.checkins_export_csv(employee=request.user)
    filename = f"my-wellbeing-check-ins-{timezone.localdate():%Y-%m-%d}.csv"
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def checkins_delete_all(request):
    form = DeleteAllForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        deleted = services.checkins_delete_all(employee=request.user)
        messages.success(
            request, f"All your check-ins are deleted ({deleted}). This cannot be undone."
        )
        return redirect("wellbeing:index")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "wellbeing/delete_all.html",
        {"form": form, "count": selectors.own_checkin_count(viewer=request.user)},
        status=status,
    )


# --- A manager's view of one report ----------------------------------------------------


def _render_report(request, report, *, note_form: WellbeingNoteForm, status: int = 200):
    viewer = request.user
    page, chart = _checkin_history(
        request, selectors.shared_checkins_of(viewer=viewer, report=report)
    )
    context = {
        "report": report,
        "page": page,
        "chart": chart,
        "notes": selectors.notes_about_report(viewer=viewer, report=report),
        "note_form": note_form,
    }
    return render(request, "wellbeing/report.html", context, status=status)


def report(request, pk: int):
    report = get_report_or_404(viewer=request.user, pk=pk)
    return _render_report(request, report, note_form=WellbeingNoteForm())


@require_POST
def note_create(request, pk: int):
    report = get_report_or_404(viewer=request.user, pk=pk)
    form = WellbeingNoteForm(request.POST)
    if not form.is_valid():
        return _render_report(request, report, note_form=form, status=400)
    try:
        note = services.wellbeing_note_create(
            author=request.user,
            subject=report,
            text=form.cleaned_data["text"],
            share=form.cleaned_data["shared_with_subject"],
        )
    except ServiceError as error:
        form_error(form, error)
        return _render_report(request, report, note_form=form, status=400)
    if note.shared_with_subject:
        messages.success(request, f"Note saved and shared with {report.full_name}.")
    else:
        messages.success(request, "Note saved. Only you can see it.")
    return redirect("wellbeing:report", pk=report.pk)


def _after_note_change(note) -> str:
    if note.subject.manager_id == note.author_id and note.subject.is_active:
        return reverse("wellbeing:report", args=[note.subject_id])
    return reverse("wellbeing:index")


def note_edit(request, pk: int):
    note = selectors.get_own_note_or_404(viewer=request.user, pk=pk)
    form = WellbeingNoteForm(request.POST if request.method == "POST" else None, instance=note)
    if request.method == "POST" and form.is_valid():
        try:
            services.wellbeing_note_update(
                note=note,
                by=request.user,
                text=form.cleaned_data["text"],
                share=form.cleaned_data["shared_with_subject"],
            )
        except ServiceError as error:
            form_error(form, error)
        else:
            messages.success(request, "Note updated.")
            return redirect(_after_note_change(note))
    status = 400 if request.method == "POST" else 200
    context = {"note": note, "form": form, "back_url": _after_note_change(note)}
    return render(request, "wellbeing/note_edit.html", context, status=status)


@require_POST
def note_delete(request, pk: int):
    note = selectors.get_own_note_or_404(viewer=request.user, pk=pk)
    back = _after_note_change(note)
    services.wellbeing_note_delete(note=note, by=request.user)
    messages.success(request, "Note deleted.")
    return redirect(back)


# --- HR ----------------------------------------------------------------------------------


def trends(request):
    """HR's team figures. The only option is the page of teams: it changes which
    teams are listed, never a figure (each is one team's, fixed when published)."""
    selectors.hr_or_404(viewer=request.user)
    page = Paginator(selectors.teams_for_trends(), TEAMS_PER_PAGE).get_page(request.GET.get("page"))
    months = selectors.trend_months(count=TREND_MONTHS)
    context = {
        "page": page,
        "trends": selectors.team_trends(teams=list(page.object_list), months=months),
        "min_group_size": anonymity.MIN_GROUP_SIZE,
        "withheld_group": anonymity.WITHHELD_GROUP,
        "withheld_measure": anonymity.WITHHELD_MEASURE,
        "not_published_yet": anonymity.NOT_PUBLISHED_YET,
    }
    return render(request, "wellbeing/trends.html", context)
