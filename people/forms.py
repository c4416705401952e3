import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from people.models import User, time_zone_names


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email address and password do not match an account. "
        "Check both and try again.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


# The browser's own date and time pickers, for every app's forms.
class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def _time_zone_choices():
    return [(name, name) for name in time_zone_names()]


class TimeZoneField(forms.ChoiceField):
    """An IANA time zone, picked from the list."""

    default_error_messages = {
        "invalid_choice": "Choose a time zone from the list, such as Europe/London.",
        "required": "Choose a time zone.",
    }

    def __init__(self, **kwargs):
        super().__init__(choices=_time_zone_choices, **kwargs)


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField(
        label="Time zone",
        help_text="Meeting times are shown to you in this zone.",
    )

    class Meta:
        model = User
        fields = ["full_name", "job_title", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", "Save profile"))


def _same_email(one: str, other: str) -> bool:
    return (
        unicodedata.normalize("NFKC", one).casefold()
        == unicodedata.normalize("NFKC", other).casefold()
    )


class ForgottenPasswordForm(PasswordResetForm):
    """Django's reset form, also for people who have not chosen a password yet.

    Django skips accounts without a usable password, because elsewhere that means
    "signs in some other way". Here there is no other way: it means a person created
    by an administrator or the CSV import who has not chosen one yet (or whose welcome
    link ran out), and this form is how they do.
    """

    def get_users(self, email):
        people = User.objects.filter(email__iexact=email, is_active=True)
        # The exact-match check Django makes, so a look-alike address gets no link.
        return (person for person in people if _same_email(email, person.email))
