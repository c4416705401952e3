"""The filters every report page takes from its query string (a GET form)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from oneonones.widgets import FlatSelect
from people.models import Team
from reports.selectors import (
    SORTS,
    Period,
    check_report_day,
    default_period,
    period_between,
    utc_today,
)


class ReportFilterForm(forms.Form):
    start = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    end = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        required=False,
        empty_label="All teams",
        widget=FlatSelect(attrs={"class": "form-select"}),
    )
    sort = forms.ChoiceField(
        label="Order managers by",
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        widget=FlatSelect(attrs={"class": "form-select"}),
    )

    def __init__(self, data: QueryDict | None = None, *, teams: QuerySet[Team] | None = None):
        default = default_period()
        # Unfiltered, the date fields show the period the figures are for.
        super().__init__(data, initial={"start": default.first, "end": default.last})
        team = cast(forms.ModelChoiceField, self.fields["team"])
        team.queryset = teams if teams is not None else Team.objects.all()

    def clean_start(self):
        return self._checked_day("start")

    def clean_end(self):
        return self._checked_day("end")

    def _checked_day(self, name: str) -> dt.date | None:
        day = self.cleaned_data[name]
        if day is not None:
            check_report_day(day)
        return day

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not self.errors:
            # The period's own rules (see ``Period``) become the form's errors.
            self.period = period_between(start=cleaned.get("start"), end=cleaned.get("end"))
        return cleaned

    def chosen_period(self) -> Period:
        """The chosen period. Only call when valid."""
        return self.period

    def chosen_team(self) -> Team | None:
        return self.cleaned_data.get("team")

    def chosen_sort(self) -> str:
        return self.cleaned_data.get("sort") or "name"


@dataclass(frozen=True)
class Filters:
    form: ReportFilterForm
    period: Period
    team: Team | None
    sort: str

    @property
    def invalid(self) -> bool:
        return self.form.is_bound and not self.form.is_valid()


def filters_from(request, *, teams=None) -> Filters:
    """The form bound to the query string, and the filters to apply: the defaults
    (last 90 days, all teams) when the input is not valid, so nothing half-applies."""
    form = ReportFilterForm(request.GET or None, teams=teams)
    if form.is_bound and form.is_valid():
        return Filters(form, form.chosen_period(), form.chosen_team(), form.chosen_sort())
    return Filters(form, default_period(today=utc_today()), None, "name")
