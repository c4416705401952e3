"""The filters every report page takes from its query string (a GET form)."""

import datetime as dt
from dataclasses import dataclass

from django import forms

from people.models import Team
from reports.selectors import SORTS, Period, default_period, utc_today

MAX_PERIOD_DAYS = 3 * 366
EARLIEST = dt.date(2000, 1, 1)


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
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sort = forms.ChoiceField(
        label="Order managers by",
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, data=None, *, teams=None):
        default = default_period()
        # Unfiltered, the date fields show the period the figures are for.
        super().__init__(data, initial={"start": default.first, "end": default.last})
        self.fields["team"].queryset = teams if teams is not None else Team.objects.all()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The “From” date must be on or before the “To” date.")
        for name in ("start", "end"):
            day = cleaned.get(name)
            if day and day < EARLIEST:
                self.add_error(name, f"Pick a date from {EARLIEST:%-d %B %Y} on.")
        if start and end and (end - start).days + 1 > MAX_PERIOD_DAYS:
            raise forms.ValidationError("Pick a period of at most three years.")
        return cleaned

    def chosen_period(self) -> Period:
        """The chosen period: the last 90 days unless both ends are given; one end alone
        keeps the 90 days from (or up to) it. Only call when valid."""
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        default = default_period()
        if start and end:
            return Period(first=start, last=end)
        if start:
            return Period(first=start, last=start + dt.timedelta(days=default.days - 1))
        if end:
            return Period(first=end - dt.timedelta(days=default.days - 1), last=end)
        return default

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
