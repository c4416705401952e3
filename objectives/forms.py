from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from objectives.models import SCORE_CHOICES, Level, Objective
from objectives.selectors import parent_choices_for
from oneonones import limits
from people.forms import DateInput
from people.models import User
from people.selectors import reports_of

SELF = "self"


class _CrispyForm(forms.Form):
    submit_label = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        if self.submit_label:
            self.helper.add_input(Submit("save", self.submit_label))


# Django's fields are generic for the type checker only (django-stubs), not at run time.
if TYPE_CHECKING:
    _ObjectiveChoiceField = forms.ModelChoiceField[Objective]
else:
    _ObjectiveChoiceField = forms.ModelChoiceField


class GoalChoiceField(_ObjectiveChoiceField):
    """A team or company goal, named with whose it is."""

    def label_from_instance(self, obj: Objective) -> str:
        where = obj.team.name if obj.team is not None else "Company"
        return f"{where}: {obj.title}"


class _ObjectiveFields(_CrispyForm):
    title = forms.CharField(
        max_length=200,
        help_text="Short and specific: what will be true when it is done?",
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why it matters and how you will know it is done.",
    )
    due_date = forms.DateField(required=False, widget=DateInput(), label="Due date")
    parent = GoalChoiceField(
        queryset=Objective.objects.none(),
        required=False,
        label="Contributes to",
        empty_label="No team or company goal",
        help_text="The team or company goal this helps achieve, if any.",
    )

    def __init__(self, *args, viewer: User, level: str = Level.INDIVIDUAL, **kwargs):
        super().__init__(*args, **kwargs)
        parent = cast(GoalChoiceField, self.fields["parent"])
        parent.queryset = parent_choices_for(viewer=viewer, level=level)
        if level == Level.COMPANY:
            del self.fields["parent"]

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if due_date is not None and due_date != self.initial.get("due_date"):
            limits.check_planning_day(due_date, what="a due date")
        return due_date


class ObjectiveForm(_ObjectiveFields):
    """A new individual objective: proposed for yourself, or set for a report."""

    owner = forms.ChoiceField(label="Whose objective")
    field_order = ["owner", "title", "description", "due_date", "parent"]
    submit_label = "Save objective"

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, viewer=viewer, **kwargs)
        self.reports = {str(report.pk): report for report in reports_of(manager=viewer)}
        choices = [(SELF, "Mine — a proposal for my manager to confirm")]
        choices += [
            (pk, f"{report.full_name} — set it for them (active at once)")
            for pk, report in sorted(self.reports.items(), key=lambda item: item[1].full_name)
        ]
        cast(forms.ChoiceField, self.fields["owner"]).choices = choices
        if not self.reports:
            # Nothing to choose: without reports it is always a proposal of one's own.
            del self.fields["owner"]

    def owner_user(self, viewer: User) -> User:
        return self.reports.get(self.cleaned_data.get("owner", SELF), viewer)


class GoalForm(_ObjectiveFields):
    level = forms.ChoiceField(label="Goal for", choices=())
    field_order = ["level", "title", "description", "due_date", "parent"]
    submit_label = "Save goal"

    def __init__(self, *args, viewer: User, levels: Sequence[str], **kwargs):
        super().__init__(*args, viewer=viewer, level=Level.TEAM, **kwargs)
        labels: dict[str, str] = {
            Level.TEAM: f"The {viewer.team} team" if viewer.team_id else "Your team",
            Level.COMPANY: "The whole organisation",
        }
        cast(forms.ChoiceField, self.fields["level"]).choices = [
            (level, labels[level]) for level in levels
        ]


class EditForm(_ObjectiveFields):
    submit_label = "Save changes"


class ProgressForm(forms.Form):
    progress = forms.IntegerField(
        min_value=0,
        max_value=100,
        label="Progress (%)",
        error_messages={
            "min_value": "Progress is a percentage from 0 to 100.",
            "max_value": "Progress is a percentage from 0 to 100.",
            "invalid": "Progress is a whole number from 0 to 100.",
            "required": "Enter the progress from 0 to 100.",
        },
    )
    note = forms.CharField(required=False, max_length=500, label="Note (optional)")


class KeyResultUpdateForm(forms.Form):
    current = forms.DecimalField(
        max_digits=12,
        decimal_places=2,
        label="Now at",
        error_messages={"invalid": "Enter a number.", "required": "Enter where it stands now."},
    )
    note = forms.CharField(required=False, max_length=500, label="Note (optional)")


class KeyResultForm(_CrispyForm):
    title = forms.CharField(max_length=200, label="Key result", help_text="What you will measure.")
    start = forms.DecimalField(max_digits=12, decimal_places=2, initial=0, label="Starting value")
    target = forms.DecimalField(max_digits=12, decimal_places=2, label="Target")
    unit = forms.CharField(
        max_length=30, required=False, label="Unit", help_text="e.g. %, customers, hours"
    )
    submit_label = "Add key result"


class ScoreForm(_CrispyForm):
    score = forms.TypedChoiceField(
        choices=[("", "No score yet"), *SCORE_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        label="Score",
    )
    note = forms.CharField(required=False, max_length=500, label="Note (optional)")
    submit_label = "Save score"


class CommentForm(_CrispyForm):
    body = forms.CharField(
        label="Your comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    submit_label = "Post comment"


class TransitionForm(forms.Form):
    action = forms.CharField()
    note = forms.CharField(required=False, max_length=2000)
