"""Channels: the ways a message reaches its person. Email is one, chat (a Slack or
Microsoft Teams incoming webhook) the second.

A channel is not a second outbox. A message wanted by two channels is two outbox rows
(``Reminder.channel``), written together by ``notifications.outbox`` and each claimed,
retried, dropped when stale and sent once by the same sweep. The apps that write
messages never name a channel: ``channels_for`` fans a message out by the person's
preferences.

Each kind has one switch on the Notifications page (a field of
``NotificationPreferences``): ticked, the email goes out; named in ``chat_for``, the
chat message does. Calendar invitations and the wrap-up summary are email only: an
``.ics`` file means nothing in a chat, and the summary carries what was discussed,
which never goes to a chat. ``CHAT_BROKEN`` tells a person by email that their chat
webhook stopped working, whatever their switches say.
"""

from notifications.models import Channel, NotificationPreferences, Reminder

R = Reminder.Kind

# The switch of each kind (one switch may cover two kinds). A kind not named here is
# always emailed (the summary of a held 1:1, the news that a webhook broke).
SWITCH: dict[str, str] = {
    R.AGENDA_PROMPT: "agenda_prompt",
    R.STARTING_SOON: "starting_soon",
    R.FOLLOW_UP: "follow_up",
    R.ACTIONS_DUE: "actions_due",
    R.LAPSED_NUDGE: "lapsed_nudge",
    R.INVITATION: "invitations",
    R.CHANGE_REQUESTED: "change_requests",
    R.REQUEST_ANSWERED: "change_requests",
    R.MEETING_CHANGED: "meeting_changes",
    R.OBJECTIVE_UPDATE: "objective_updates",
    R.MENTORING_UPDATE: "mentoring_updates",
}

# The switches a chat message can follow, as the page names them, in its order.
CHAT_SWITCHES: dict[str, str] = {
    "agenda_prompt": "Agenda prompts before a 1:1",
    "starting_soon": "A 1:1 starting soon",
    "follow_up": "Record notes and actions after a 1:1",
    "actions_due": "Actions due tomorrow",
    "change_requests": "Requests to move or cancel, and their answers",
    "meeting_changes": "1:1s moved or cancelled",
    "objective_updates": "Objectives proposed, confirmed or rejected",
    "lapsed_nudge": "Reports without a recent 1:1 (weekly)",
}


def wants(prefs: NotificationPreferences, kind: str, channel: str) -> bool:
    """Whether the person wants ``kind`` by ``channel`` now (for chat: and has a working
    webhook)."""
    switch = SWITCH.get(kind)
    if channel == Channel.EMAIL:
        return switch is None or bool(getattr(prefs, switch))
    return switch in CHAT_SWITCHES and switch in prefs.chat_for and prefs.chat_ready


def channels_for(prefs: NotificationPreferences, kind: str) -> list[str]:
    """Every channel by which the person wants ``kind``: the rows to write."""
    return [channel for channel in Channel.values if wants(prefs, kind, channel)]
