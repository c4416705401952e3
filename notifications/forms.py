from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms

from notifications.channels import CHAT_SWITCHES
from notifications.models import ChatService, NotificationPreferences


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class NotificationPreferencesForm(forms.ModelForm):
    chat_for = forms.MultipleChoiceField(
        label="Post these to my chat too",
        choices=list(CHAT_SWITCHES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Untick the email above to have one in chat only. Needs a chat webhook "
        "(below). Chat messages carry times and links, never what is written in a 1:1.",
    )

    class Meta:
        model = NotificationPreferences
        fields = [
            "agenda_prompt",
            "agenda_days_as_participant",
            "agenda_days_as_organiser",
            "starting_soon",
            "starting_soon_minutes",
            "follow_up",
            "follow_up_hours",
            "actions_due",
            "summary_shared_notes",
            "invitations",
            "change_requests",
            "meeting_changes",
            "objective_updates",
            "mentoring_updates",
            "lapsed_nudge",
            "lapsed_nudge_weekday",
            "chat_for",
        ]
        help_texts = {
            "agenda_days_as_participant": "1 to 7 days.",
            "agenda_days_as_organiser": "1 to 7 days.",
            "follow_up_hours": "Only if the meeting is not yet recorded as held. 1 to 24 hours.",
            "lapsed_nudge_weekday": "At 9:00 in your time zone, only when there is someone.",
            "summary_shared_notes": "Private notes are never included.",
        }

    def __init__(self, *args, manager: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        sections = [
            Fieldset(
                "Before a 1:1",
                "agenda_prompt",
                Div(
                    Div("agenda_days_as_participant", css_class="col-sm-6"),
                    Div("agenda_days_as_organiser", css_class="col-sm-6"),
                    css_class="row",
                ),
                "starting_soon",
                "starting_soon_minutes",
            ),
            Fieldset(
                "After a 1:1", "follow_up", "follow_up_hours", "actions_due", "summary_shared_notes"
            ),
            Fieldset("Calendar", "invitations"),
            Fieldset(
                "Changes",
                "change_requests",
                "meeting_changes",
                "objective_updates",
                "mentoring_updates",
            ),
        ]
        if manager:
            sections.append(Fieldset("Your team", "lapsed_nudge", "lapsed_nudge_weekday"))
        else:
            del self.fields["lapsed_nudge"], self.fields["lapsed_nudge_weekday"]
            chat_for = self.fields["chat_for"]
            assert isinstance(chat_for, forms.ChoiceField)
            chat_for.choices = [(k, v) for k, v in CHAT_SWITCHES.items() if k != "lapsed_nudge"]
        sections.append(Fieldset("Chat (Slack or Microsoft Teams)", "chat_for"))
        self.helper.layout = Layout(*sections)


class ChatWebhookForm(forms.Form):
    """A person's own incoming webhook. The address is never filled in again: it is a
    secret, and the page shows it masked."""

    chat_service = forms.ChoiceField(label="Service", choices=ChatService.choices)
    chat_webhook_url = forms.CharField(
        label="Incoming webhook address",
        max_length=1000,
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="Slack: https://hooks.slack.com/services/…; Microsoft Teams: the address "
        "of an Incoming Webhook or a Workflows webhook. See the README's “Chat "
        "notifications” for how to make one.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
