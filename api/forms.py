from crispy_forms.helper import FormHelper
from django import forms

from api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is it for?",
        max_length=100,
        help_text="So that you know which one to revoke later, e.g. “My calendar script”.",
    )
    scope = forms.ChoiceField(
        label="What may it do?",
        choices=[
            (ApiToken.Scope.READ, "Read only: see my 1:1s, actions, objectives and check-ins"),
            (
                ApiToken.Scope.READ_WRITE,
                "Read and write: also add agenda items, mark actions done, ask to move or "
                "cancel 1:1s, update objectives and check in",
            ),
        ],
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
