from django import forms

from mentoring.services import MENTEE, MENTOR
from people.models import User

ROLE_CHOICES = [
    (MENTEE, "I would like them to mentor me"),
    (MENTOR, "I offer to mentor them"),
]


class SearchForm(forms.Form):
    q = forms.CharField(max_length=100, required=False, label="Find a person")


class HrSearchForm(forms.Form):
    mentor_q = forms.CharField(max_length=100, required=False, label="Find the mentor")
    mentee_q = forms.CharField(max_length=100, required=False, label="Find the mentee")


def _active_people() -> forms.ModelChoiceField:
    # The page lists the people a search found as radio buttons (it works without
    # JavaScript); any active person is accepted, and the service checks the pair.
    return forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True),
        error_messages={
            "required": "Choose a person from the search results.",
            "invalid_choice": "Choose a person from the search results.",
        },
    )


class ProposeForm(forms.Form):
    person = _active_people()
    as_role = forms.ChoiceField(
        choices=ROLE_CHOICES,
        initial=MENTEE,
        widget=forms.RadioSelect,
        label="Who would mentor whom",
        error_messages={"required": "Choose who would mentor whom."},
    )


class SetUpForm(forms.Form):
    mentor = _active_people()
    mentee = _active_people()
