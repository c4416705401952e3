"""Forms of the meeting page: agenda, notes, actions, feedback and templates."""

from typing import cast

from crispy_forms.helper import FormHelper
from django import forms

from meetings.models import USEFULNESS_CHOICES, Note, PreferredFrequency
from meetings.record.services import MAX_TEXT
from oneonones import limits
from oneonones.http import MAX_INT


class AgendaItemForm(forms.Form):
    text = forms.CharField(max_length=MAX_TEXT, label="Add an item")


class NoteForm(forms.Form):
    body = forms.CharField(required=False, max_length=20_000, widget=forms.Textarea)
    version = forms.IntegerField(min_value=0, max_value=MAX_INT, widget=forms.HiddenInput)
    visibility = forms.ChoiceField(choices=Note.Visibility.choices, widget=forms.HiddenInput)


def owner_choices(*, meeting, viewer) -> list[tuple[int, str]]:
    """Who may own an action of ``meeting``: the report first (the form's initial
    choice), then the manager; the viewer is "Me". The meeting page writes its selects
    from this list rather than from a form's field, once a page."""
    return [
        (person.pk, "Me" if person.pk == viewer.pk else person.full_name or str(person))
        for person in (meeting.participant, meeting.organiser)
    ]


class ActionForm(forms.Form):
    owner = forms.TypedChoiceField(coerce=int, label="Who")
    description = forms.CharField(max_length=MAX_TEXT, label="What")
    due_date = forms.DateField(
        required=False,
        label="Due",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Leave empty for the date of the next 1:1.",
    )

    def __init__(self, *args, meeting, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["owner"]).choices = owner_choices(
            meeting=meeting, viewer=viewer
        )
        self.fields["owner"].initial = meeting.participant_id
        self.people = {person.pk: person for person in (meeting.participant, meeting.organiser)}

    def owner_person(self):
        return self.people[self.cleaned_data["owner"]]

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if due_date is not None:
            limits.check_planning_day(due_date, what="a due date")
        return due_date


class FeedbackForm(forms.Form):
    usefulness = forms.TypedChoiceField(
        choices=USEFULNESS_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        label="How useful was this 1:1?",
    )
    help_more = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="How could the 1:1s help you more? (optional)",
    )
    preferred_frequency = forms.ChoiceField(
        required=False,
        choices=[("", "No preference"), *PreferredFrequency.choices],
        label="How often would you like to meet? (optional)",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name")
    description = forms.CharField(max_length=300, required=False, label="What it is for (optional)")
    prompts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        label="Prompts",
        help_text="One prompt per line. A line starting with # begins a section, "
        "e.g. “# Career development”.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
