"""HR cadence reports. Every view starts with the HR check: anyone else gets a 404.

Every page and file that names people records, for each of them, that HR looked at
their 1:1 figures (``people.services.record_access``: one statement per page however
many people it lists; HR's own reports and their reports' reports are left out).
"""

import math
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from meetings.scheduling.forms import MetSinceForm
from meetings.selectors import FIRST_TERM_DAYS, RECENT_DAYS
from oneonones.charts import LineChart, SeriesSpec, line_chart, nice_ceiling
from oneonones.http import page_number
from people.models import RecordAccess
from people.selectors import NEW_STARTER_DAYS
from people.services import record_access
from reports import exports, selectors
from reports.forms import filters_from

MANAGERS_PER_PAGE = 25
GAP_PREVIEW = 5
GAPS_PER_PAGE = 50
MEETINGS_PER_PAGE = 50
TREND_SERIES = (
    SeriesSpec("scheduled", "Scheduled", "series-scheduled", "diamond"),
    SeriesSpec("held", "Held", "series-held", "circle"),
    SeriesSpec("cancelled", "Cancelled", "series-cancelled", "square"),
)


def _trend_chart(months: list[selectors.MonthFigures]) -> LineChart:
    top = nice_ceiling(max([m.scheduled for m in months] + [1]))
    last = len(months) - 1
    # Every other month, counted back from the newest, so the last label never crowds.
    x_ticks = [
        (i / last, f"{m.month:%b %y}", "end" if i == last else "middle")
        for i, m in enumerate(months)
        if (last - i) % 2 == 0
    ]
    y_ticks: list[float] = [0, top / 2, top] if top % 2 == 0 else [0, top]
    return line_chart(
        rows=[(i / last, m) for i, m in enumerate(months)],
        series=TREND_SERIES,
        point_label=lambda m, spec, value: f"{m.month:%B %Y}: {value} {spec.name.lower()}",
        y_min=0,
        y_max=top,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        y_label="{:g}".format,
    )


def _csv_response(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return response


def _invalid_filters(form) -> HttpResponse:
    """A CSV link with filters that do not make sense: say why, export nothing."""
    errors = " ".join(error for errors in form.errors.values() for error in errors)
    return HttpResponse(
        f"These filters are not valid: {errors}",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


@require_GET
def dashboard(request):
    selectors.hr_or_404(viewer=request.user)
    filters = filters_from(request, teams=selectors.teams())
    figures = selectors.dashboard(
        period=filters.period, team=filters.team, gap_limit=GAP_PREVIEW, median_gaps=False
    )
    rows = figures.managers
    page = Paginator(
        selectors.sorted_rows(rows=rows, sort=filters.sort), MANAGERS_PER_PAGE
    ).get_page(request.GET.get("page"))
    # The median gaps of the managers shown only (no sort and no total reads them).
    page.object_list = selectors.with_median_gaps(
        list(page.object_list), period=filters.period, team=filters.team
    )
    months = figures.months
    record_access(
        viewer=request.user,
        person_ids=[
            *(row.manager_id for row in page.object_list),
            *(row.person_id for gaps in figures.gap_lists for row in gaps.rows),
        ],
        kind=RecordAccess.Kind.REPORT_DASHBOARD,
    )
    context = {
        "form": filters.form,
        "period": filters.period,
        "team": filters.team,
        "page": page,
        "totals": selectors.totals(rows=rows),
        "months": months,
        "chart": _trend_chart(months),
        "gap_lists": figures.gap_lists,
        "recent_days": RECENT_DAYS,
        "no_series_days": selectors.NO_SERIES_DAYS,
        "new_starter_days": NEW_STARTER_DAYS,
    }
    return render(request, "reports/dashboard.html", context)


@require_GET
def export(request, table: str):
    selectors.hr_or_404(viewer=request.user)
    filters = filters_from(request, teams=selectors.teams())
    if filters.invalid:
        return _invalid_filters(filters.form)
    named: list[int] = []
    if table == "managers":
        rows = selectors.sorted_rows(
            rows=selectors.manager_rows(period=filters.period, team=filters.team),
            sort=filters.sort,
        )
        body = exports.managers_csv(rows)
        named = [row.manager_id for row in rows]
    elif table == "trend":
        body = exports.trend_csv(selectors.trend(team=filters.team))
    elif table in selectors.GAP_CATEGORIES:
        gap_rows = selectors.gap_rows(team=filters.team, category=table)
        body = exports.gaps_csv(table, gap_rows)
        named = [row.person_id for row in gap_rows]
    else:
        raise Http404("No such table.")
    record_access(viewer=request.user, person_ids=named, kind=RecordAccess.Kind.REPORT_EXPORT)
    return _csv_response(body, f"1-1-{table.replace('_', '-')}")


@dataclass(frozen=True)
class Slice:
    """One page of a list whose length the query told us (``Paginator``'s page, for SQL
    that pages itself)."""

    number: int
    total: int
    per_page: int

    @property
    def paginator(self) -> "Slice":
        return self  # a page and its paginator in one, as the pager template expects

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


@require_GET
def gaps(request, category: str):
    selectors.hr_or_404(viewer=request.user)
    if category not in selectors.GAP_CATEGORIES:
        raise Http404("No such list.")
    filters = filters_from(request, teams=selectors.teams())
    number = page_number(request)
    rows = selectors.gap_rows(
        team=filters.team,
        category=category,
        offset=(number - 1) * GAPS_PER_PAGE,
        limit=GAPS_PER_PAGE,
    )
    total = rows[0].total if rows else 0
    record_access(
        viewer=request.user,
        person_ids=[row.person_id for row in rows],
        kind=RecordAccess.Kind.REPORT_GAPS,
    )
    context = {
        "form": filters.form,
        "team": filters.team,
        "category": category,
        "title": selectors.GAP_CATEGORIES[category],
        "rows": rows,
        "page": Slice(number=number, total=total, per_page=GAPS_PER_PAGE),
        "no_series_days": selectors.NO_SERIES_DAYS,
    }
    return render(request, "reports/gaps.html", context)


@require_GET
def manager(request, pk: int):
    person = selectors.get_manager_for_hr_or_404(viewer=request.user, pk=pk)
    filters = filters_from(request, teams=selectors.teams())
    meetings = selectors.manager_meetings(manager=person, period=filters.period, team=filters.team)
    page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = selectors.report_rows(manager=person, period=filters.period, team=filters.team)
    # The manager and every report the page names (the 1:1s listed are with them).
    record_access(
        viewer=request.user,
        person_ids=[person.pk, *(row.report_id for row in rows)],
        kind=RecordAccess.Kind.REPORT_MANAGER,
    )
    context = {
        "form": filters.form,
        "period": filters.period,
        "team": filters.team,
        "manager": person,
        "rows": rows,
        "page": page,
        "meetings": [
            {
                "starts_at": meeting.starts_at,
                "report": exports.report_of(meeting, person.pk),
                "organised_by": "manager" if meeting.organiser_id == person.pk else "report",
                "status": exports.meeting_status(meeting, now=now),
                "rescheduled_from": meeting.rescheduled_from,
            }
            for meeting in page.object_list
        ],
        "recent_days": RECENT_DAYS,
    }
    return render(request, "reports/manager.html", context)


@require_GET
def manager_export(request, pk: int, table: str):
    person = selectors.get_manager_for_hr_or_404(viewer=request.user, pk=pk)
    filters = filters_from(request, teams=selectors.teams())
    if filters.invalid:
        return _invalid_filters(filters.form)
    if table == "reports":
        rows = selectors.report_rows(manager=person, period=filters.period, team=filters.team)
        body = exports.reports_csv(rows)
        named = [person.pk, *(row.report_id for row in rows)]
    elif table == "meetings":
        meetings = list(
            selectors.manager_meetings(manager=person, period=filters.period, team=filters.team)
        )
        body = exports.meetings_csv(meetings, manager_id=person.pk)
        named = [person.pk, *(exports.report_of(m, person.pk).pk for m in meetings)]
    else:
        raise Http404("No such table.")
    record_access(viewer=request.user, person_ids=named, kind=RecordAccess.Kind.REPORT_EXPORT)
    return _csv_response(body, f"1-1-{table}-of-manager-{person.pk}")


@require_GET
def met_everyone(request):
    """Seed 002 for HR: per manager, "met 7 of 9 since <day>". Figures only: which
    reports were met is the manager's own page (``meetings:met_everyone``)."""
    selectors.hr_or_404(viewer=request.user)
    today = selectors.utc_today()
    form = MetSinceForm(
        request.GET if "since" in request.GET else None,
        today=today,
        default=selectors.default_met_since(today=today),
    )
    since = form.chosen()
    rows = selectors.met_everyone_rows(since=since)
    page = Paginator(rows, MANAGERS_PER_PAGE).get_page(request.GET.get("page"))
    record_access(
        viewer=request.user,
        person_ids=[row.manager_id for row in page.object_list],
        kind=RecordAccess.Kind.REPORT_DASHBOARD,
    )
    context = {
        "form": form,
        "since": since,
        "page": page,
        "managers": len(rows),
        "everyone_met": sum(1 for row in rows if row.met == row.reports),
        "first_term_days": FIRST_TERM_DAYS,
    }
    return render(request, "reports/met_everyone.html", context)
