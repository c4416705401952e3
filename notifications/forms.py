from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms

from notifications.models import NotificationPreferences


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class NotificationPreferencesForm(forms.ModelForm):
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
        self.helper.layout = Layout(*sections)
