from crispy_forms.helper import FormHelper
from django import forms

from wellbeing.models import Balance, Happiness, WellbeingNote, Workload


def _numbered(choices: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A 1-5 scale's choices with the number shown beside each label."""
    return [(value, f"{value} ({label})") for value, label in choices]


class CheckInForm(forms.Form):
    """The check-in itself. Ids start with ``checkin_`` so the form can sit on a
    page with other forms (the 1:1 meeting page) without clashing labels."""

    happiness = forms.TypedChoiceField(
        label="How happy are you at work at the moment?",
        choices=_numbered(Happiness.choices),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how happy you are, from 1 to 5."},
    )
    workload = forms.TypedChoiceField(
        label="How is your workload?",
        choices=Workload.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how your workload feels."},
    )
    work_life_balance = forms.TypedChoiceField(
        label="How is your work-life balance?",
        choices=_numbered(Balance.choices),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how your work-life balance is, from 1 to 5."},
    )
    note = forms.CharField(
        label="Anything you want to add? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    share = forms.BooleanField(
        label="Share this check-in with my manager",
        required=False,
        help_text="Unticked, only you see it. You can share, unshare or delete it later.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_checkin_%s")
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class WellbeingNoteForm(forms.ModelForm):
    class Meta:
        model = WellbeingNote
        fields = ["text", "shared_with_subject"]
        labels = {
            "text": "Follow-up note",
            "shared_with_subject": "Share this note with them",
        }
        help_texts = {
            "text": "Short and factual, e.g. “agreed a lighter load for March”. Only you see it.",
            "shared_with_subject": "Unticked, the note is yours alone.",
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "maxlength": 1000})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_wbnote_%s")
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class DeleteAllForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, delete all my check-ins for good",
        error_messages={"required": "Tick the box to confirm; nothing was deleted."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
