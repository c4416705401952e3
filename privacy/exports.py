"""A person's own data, to take away: one JSON file with everything and a CSV file per
kind, in a zip.

Only ever the data of the person asking (``viewer``): every read goes through the
owning app's selectors scoped to them, or filters on them. It is what they can already
read in the app, together: meetings they are in, the agenda items they wrote, the
shared notes of their meetings, their own private notes (never the other person's),
actions of their meetings, their objectives with key results, history and comments,
the comments they wrote on others' objectives, their check-ins, the feedback they
gave, the wellbeing notes their manager shared with them, the office hours they host,
their sign-ups and the sign-ups to theirs (with the topics they gave, never another
person's), their mentoring relationships, the changes administrators made to their
account, who looked at their records and their chat webhook (masked).

Times are in UTC (ISO 8601). A CSV cell a spreadsheet would read as a formula is
written with a leading apostrophe, as in the reports' CSV files.
"""

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from meetings.models import AgendaItem, MeetingFeedback, Note
from meetings.record.selectors import actions_visible_to, notes_visible_to
from meetings.selectors import meetings_of
from mentoring.selectors import mentorships_of
from notifications.selectors import chat_webhook_of
from objectives.models import KeyResult, Level, ObjectiveChange, ObjectiveComment
from objectives.selectors import my_objectives
from officehours.selectors import own_office_hours, sign_ups_with
from oneonones.spreadsheets import FORMULA_STARTS
from people.models import User
from people.selectors import account_changes_of, record_accesses_of
from wellbeing.selectors import notes_shared_with, own_checkins

Row = dict[str, Any]


def _name(person: User | None) -> str:
    return person.full_name if person is not None else ""


def _profile(viewer: User) -> list[Row]:
    person = User.objects.select_related("team", "manager").get(pk=viewer.pk)
    return [
        {
            "name": person.full_name,
            "email": person.email,
            "job_title": person.job_title,
            "team": person.team.name if person.team else "",
            "manager": _name(person.manager),
            "time_zone": person.time_zone,
            "start_date": person.start_date,
            "hr": person.is_hr,
            "joined": person.date_joined,
        }
    ]


def _meetings(viewer: User) -> list[Row]:
    return [
        {
            "meeting": m.pk,
            "with": _name(m.participant if m.organiser_id == viewer.pk else m.organiser),
            "you_are": "organiser" if m.organiser_id == viewer.pk else "participant",
            "kind": m.get_kind_display(),
            "starts_at": m.starts_at,
            "ends_at": m.ends_at,
            "status": m.get_status_display(),
            "format": m.get_format_display(),
            "location": m.location,
            "cancel_reason": m.get_cancel_reason_display() if m.cancel_reason else "",
            "cancel_note": m.cancel_note,
            "moved_from": m.rescheduled_from,
            "move_note": m.reschedule_note,
        }
        for m in meetings_of(viewer=viewer).order_by("starts_at", "pk")
    ]


def _agenda_items(viewer: User) -> list[Row]:
    items = AgendaItem.objects.filter(author=viewer).select_related("meeting")
    return [
        {
            "item": item.pk,
            "meeting": item.meeting_id or "",
            "meeting_starts_at": item.meeting.starts_at if item.meeting else None,
            "next_time_of_series": item.series_id if item.meeting_id is None else "",
            "text": item.text,
            "discussed": item.discussed,
            "written_at": item.created_at,
        }
        for item in items.order_by("created_at", "pk")
    ]


def _notes(viewer: User, *, visibility: str) -> list[Row]:
    notes = notes_visible_to(viewer=viewer).filter(visibility=visibility).select_related("meeting")
    if visibility == Note.Visibility.PRIVATE:
        notes = notes.filter(author=viewer)
    return [
        {
            "meeting": note.meeting_id,
            "meeting_starts_at": note.meeting.starts_at,
            "text": note.body,
            "updated_at": note.updated_at,
        }
        for note in notes.order_by("meeting__starts_at", "pk")
    ]


def _actions(viewer: User) -> list[Row]:
    actions = actions_visible_to(viewer=viewer).select_related("owner", "meeting")
    return [
        {
            "action": action.pk,
            "meeting": action.meeting_id or "",
            "owner": _name(action.owner),
            "description": action.description,
            "due_date": action.due_date,
            "done": action.done,
            "done_at": action.done_at,
            "agreed_at": action.created_at,
        }
        for action in actions.order_by("created_at", "pk")
    ]


def _objectives(viewer: User) -> list[Row]:
    return [
        {
            "objective": o.pk,
            "title": o.title,
            "level": o.get_level_display(),
            "contributes_to": o.parent.title if o.parent else "",
            "description": o.description,
            "state": o.get_state_display(),
            "progress": o.progress,
            "score": o.score,
            "due_date": o.due_date,
            "created_at": o.created_at,
            "decided_by": _name(o.decided_by),
            "decided_at": o.decided_at,
            "rejection_reason": o.rejection_reason,
        }
        for o in my_objectives(viewer=viewer)
        .filter(level=Level.INDIVIDUAL)
        .select_related("decided_by", "parent")
        .order_by("created_at", "pk")
    ]


def _own_objective_ids(viewer: User) -> Q:
    return Q(objective__owner=viewer, objective__level=Level.INDIVIDUAL)


def _key_results(viewer: User) -> list[Row]:
    return [
        {
            "objective": kr.objective_id,
            "title": kr.title,
            "start": kr.start,
            "target": kr.target,
            "current": kr.current,
            "unit": kr.unit,
        }
        for kr in KeyResult.objects.filter(_own_objective_ids(viewer)).order_by("pk")
    ]


def _objective_history(viewer: User) -> list[Row]:
    changes = ObjectiveChange.objects.filter(_own_objective_ids(viewer)).select_related("by")
    return [
        {
            "objective": change.objective_id,
            "field": change.get_field_display(),
            "from": change.from_value,
            "to": change.to_value,
            "by": _name(change.by),
            "at": change.at,
            "note": change.note,
        }
        for change in changes.order_by("at", "pk")
    ]


def _objective_comments(viewer: User) -> list[Row]:
    comments = ObjectiveComment.objects.filter(
        _own_objective_ids(viewer) | Q(author=viewer)
    ).select_related("author", "objective")
    return [
        {
            "objective": comment.objective_id,
            "objective_title": comment.objective.title,
            "author": _name(comment.author),
            "text": comment.body,
            "written_at": comment.created_at,
        }
        for comment in comments.order_by("created_at", "pk")
    ]


def _checkins(viewer: User) -> list[Row]:
    return [
        {
            "checked_in_at": c.created_at,
            "happiness": c.get_happiness_display(),
            "workload": c.get_workload_display(),
            "work_life_balance": c.get_work_life_balance_display(),
            "note": c.note,
            "shared_with_manager": c.shared_with_manager,
        }
        for c in own_checkins(viewer=viewer).order_by("created_at", "pk")
    ]


def _feedback(viewer: User) -> list[Row]:
    feedback = MeetingFeedback.objects.filter(meeting__participant=viewer).select_related("meeting")
    return [
        {
            "meeting": f.meeting_id,
            "meeting_starts_at": f.meeting.starts_at,
            "usefulness": f.usefulness,
            "how_could_1_1s_help_more": f.help_more,
            "preferred_frequency": f.get_preferred_frequency_display(),
            "given_at": f.created_at,
        }
        for f in feedback.order_by("meeting__starts_at", "pk")
    ]


def _wellbeing_notes(viewer: User) -> list[Row]:
    return [
        {"by": _name(note.author), "text": note.text, "written_at": note.created_at}
        for note in notes_shared_with(viewer=viewer).select_related("author")
    ]


def _account_changes(viewer: User) -> list[Row]:
    return [
        {
            "at": change.at,
            "by": change.by_text,
            "what": change.get_field_display(),
            "was": change.old_value,
            "now": change.new_value,
        }
        for change in account_changes_of(viewer=viewer)
    ]


def _who_looked(viewer: User) -> list[Row]:
    return [
        {"at": access.at, "who": _name(access.viewer), "what": access.get_kind_display()}
        for access in record_accesses_of(viewer=viewer, pk=viewer.pk)
    ]


def _office_hours(viewer: User) -> list[Row]:
    """The open time they host (or hosted: deleted office hours are gone)."""
    return [
        {
            "office_hours": hours.pk,
            "title": hours.title,
            "days": hours.weekdays_text,
            "start_time": hours.start_time,
            "end_time": hours.end_time,
            "slot_minutes": hours.slot_minutes,
            "time_zone": hours.time_zone,
            "for": hours.get_audience_display(),
            "format": hours.get_format_display(),
            "location": hours.location,
            "first_date": hours.first_date,
            "last_date": hours.last_date,
            "status": hours.get_status_display(),
            "published_at": hours.created_at,
        }
        for hours in own_office_hours(viewer=viewer)
    ]


def _office_hours_sign_ups(viewer: User) -> list[Row]:
    """Their sign-ups to others' office hours and the sign-ups to theirs. The topic only
    where they signed up: it is the words of the one who signed up, as an agenda item is
    its author's (someone's topic for their office hours is in that person's download)."""
    rows = []
    for sign_up in sign_ups_with(viewer=viewer):
        meeting = sign_up.meeting
        signed_up = meeting.participant_id == viewer.pk
        rows.append(
            {
                "meeting": meeting.pk,
                "you_are": "signed up" if signed_up else "host",
                "host": _name(meeting.organiser),
                "signed_up": _name(meeting.participant),
                "starts_at": meeting.starts_at,
                "ends_at": meeting.ends_at,
                "status": meeting.get_status_display(),
                "your_topic": sign_up.topic if signed_up else "",
                "signed_up_at": sign_up.created_at,
            }
        )
    return rows


def _mentorships(viewer: User) -> list[Row]:
    """The relationships they are one of the two of: who, the state and its dates (what
    was said in the check-ins is in the meetings and notes files)."""
    return [
        {
            "mentorship": m.pk,
            "you_are": "mentor" if m.mentor_id == viewer.pk else "mentee",
            "mentor": _name(m.mentor),
            "mentee": _name(m.mentee),
            "status": m.get_status_display(),
            "proposed_by": _name(m.proposed_by),
            "set_up_by_hr": m.set_up_by_hr,
            "proposed_at": m.created_at,
            "accepted_at": m.accepted_at,
            "declined_at": m.declined_at,
            "ended_at": m.ended_at,
            "ended_by": _name(m.ended_by),
        }
        for m in mentorships_of(viewer=viewer)
        .select_related("ended_by")
        .order_by("created_at", "pk")
    ]


def _chat_webhook(viewer: User) -> list[Row]:
    """Masked, like the Notifications page shows it: the full address is a secret that
    lets anyone holding it post to the person's channel, and a downloaded zip travels."""
    webhook = chat_webhook_of(viewer=viewer)
    if webhook is None:
        return []
    return [
        {
            "service": webhook.service,
            "address": webhook.address,
            "stopped_working_at": webhook.broken_at,
        }
    ]


# Each kind of data: its file name (without extension) and how it is read.
KINDS: tuple[tuple[str, Callable[[User], list[Row]]], ...] = (
    ("profile", _profile),
    ("meetings", _meetings),
    ("agenda_items", _agenda_items),
    ("shared_notes", lambda viewer: _notes(viewer, visibility=Note.Visibility.SHARED)),
    ("private_notes", lambda viewer: _notes(viewer, visibility=Note.Visibility.PRIVATE)),
    ("actions", _actions),
    ("objectives", _objectives),
    ("key_results", _key_results),
    ("objective_history", _objective_history),
    ("objective_comments", _objective_comments),
    ("checkins", _checkins),
    ("feedback", _feedback),
    ("wellbeing_notes_shared_with_you", _wellbeing_notes),
    ("office_hours", _office_hours),
    ("office_hours_sign_ups", _office_hours_sign_ups),
    ("mentorships", _mentorships),
    ("account_changes", _account_changes),
    ("who_looked", _who_looked),
    ("chat_webhook", _chat_webhook),
)


def data_of(*, viewer: User) -> dict[str, list[Row]]:
    """Everything ``viewer`` may take away about themselves, by kind."""
    return {name: read(viewer) for name, read in KINDS}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):  # a wall-clock time, in the zone beside it
        return value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return str(value)
    return value


def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    # oneonones.spreadsheets' rule, inline: this runs for every cell of a file.
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(rows: Iterable[Row], header: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row[name]) for name in header])
    return buffer.getvalue()


README = """Your data from oneonones, as of {moment} (UTC).

everything.json holds all of it; each CSV file holds one kind (UTF-8, one row a
record, times in UTC; the start and end of office hours are wall-clock times in the
time zone beside them). Only you could download this file: keep it safe, it holds
your private notes and check-ins. A kind with nothing in it is an empty file.
"""


def zip_of(*, viewer: User) -> bytes:
    """The zip of ``viewer``'s own data: ``everything.json``, one CSV file per kind
    (empty for a kind with nothing in it) and a short ``README.txt``."""
    data = data_of(viewer=viewer)
    plain = {
        name: [{k: _plain(v) for k, v in row.items()} for row in rows]
        for name, rows in data.items()
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(moment=timezone.now().isoformat()))
        archive.writestr("everything.json", json.dumps(plain, indent=2, ensure_ascii=False))
        for name, rows in data.items():
            header = list(rows[0]) if rows else []
            archive.writestr(f"{name}.csv", _csv(rows, header))
    return buffer.getvalue()
