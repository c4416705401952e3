"""What others can see about a person: the page "What HR and my organisation can see
about me".

Nothing here is a list written for this page. Each part is read from the declaration
the page showing it uses, so the two cannot drift apart:

* the people page: ``people.selectors.DIRECTORY_FIELDS``;
* HR's 1:1 reports: the columns of ``reports.exports`` (pages and CSV files);
* objectives: ``objectives.selectors`` (``FACT_FIELDS`` for everyone who may see one,
  ``DETAILS`` and ``CONVERSATION``: who reads more) asked the way the objective
  pages ask it, with ``relations_of``;
* a 1:1's record: the parts of ``meetings.record.selectors.MeetingRecord``, which only
  the meeting's two people are given (``meeting_record_for``);
* wellbeing: the published team months the person's check-ins count in
  (``wellbeing.selectors.published_figures_counting``) and what such figures hold;
* the admin site: the fields each registered admin shows (and the columns of an
  inline, for sign-ups to office hours), read from the admin site itself.
"""

import dataclasses
from dataclasses import dataclass, field

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, label_for_field
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.http import HttpRequest

from meetings.models import Meeting, MeetingSeries
from meetings.record.selectors import MeetingRecord
from mentoring.models import Mentorship
from mentoring.selectors import HR_PAIR_COLUMNS
from notifications.models import Reminder
from objectives.models import Level, Objective
from objectives.selectors import (
    CONVERSATION,
    CONVERSATION_PARTS,
    DETAIL_PARTS,
    DETAILS,
    FACT_FIELDS,
    GRAND_MANAGER,
    HR,
    MANAGER,
)
from officehours.models import OfficeHours, SignUp
from people.models import PersonChange, User
from people.selectors import DIRECTORY_FIELDS
from reports.exports import (
    GAP_HEADER_END,
    GAP_HEADER_START,
    GAP_MIDDLE_HEADERS,
    MANAGER_HEADER,
    MEETING_HEADER,
    REPORT_HEADER,
)
from wellbeing.models import TeamMonthFigures
from wellbeing.selectors import HR_FIGURES, published_figures_counting

# The parts of a meeting's record, as a person reads them. Every part of
# ``MeetingRecord`` must be here (a test says so), the private note included: it is
# the one part that is never the other person's.
RECORD_PARTS = {
    "agenda": "the agenda items, whoever wrote them",
    "share": "how many agenda items each of you wrote",
    "next_time": "the “next time” list",
    "actions": "the actions and whether they are done",
    "shared_note": "the shared notes",
    "private_note": "your private notes",
    "feedback": "the feedback you gave on a 1:1 (usefulness, how it could help more)",
    "prompts": "the prompts of the series' agenda template",
    "requests": "the requests to move or cancel a 1:1, and their answers",
}
NEVER_THE_OTHER_PERSON = frozenset({"private_note"})
# Admin fields that are buttons or links to act on the row, not something it shows.
ACTIONS = frozenset({"anonymise"})


@dataclass(frozen=True)
class Seen:
    """One kind of thing about the person, and exactly which fields of it are seen."""

    what: str
    fields: tuple[str, ...]
    note: str = ""


@dataclass
class Audience:
    key: str
    title: str
    who: str
    items: list[Seen] = field(default_factory=list)


def _label(model: type[Model], name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name.replace("_", " ")
    return str(getattr(field, "verbose_name", name))


def _labels(model: type[Model], names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(_label(model, name) for name in names)


# What a meeting's page shows anyone but its two people (HR; the line, for those it sees).
MEETING_PAGE_FIELDS = _labels(Meeting, ("starts_at", "ends_at", "status", "kind"))


def _objective_parts(relation: str) -> tuple[str, ...]:
    """What someone standing in ``relation`` to one of the person's objectives reads of
    it, asked of the same sets ``reads_details`` and ``reads_conversation`` use."""
    parts = list(_labels(Objective, FACT_FIELDS))
    parts.append("the history of those (which changed, from, to, when, by whom)")
    if relation in DETAILS:
        parts.extend(DETAIL_PARTS.values())
    if relation in CONVERSATION:
        parts.extend(CONVERSATION_PARTS.values())
    return tuple(parts)


def _record_parts(*, other_person: bool) -> tuple[str, ...]:
    names = [f.name for f in dataclasses.fields(MeetingRecord)]
    if other_person:
        names = [name for name in names if name not in NEVER_THE_OTHER_PERSON]
    return tuple(RECORD_PARTS[name] for name in names)


def _line_audience(key: str, boss: User, *, relation: str, direct: bool) -> Audience:
    audience = Audience(
        key=key,
        title=f"Your manager, {boss.full_name}"
        if direct
        else f"Your manager's manager, {boss.full_name}",
        who="They are in your reporting line: the people page shows them your details.",
    )
    audience.items.append(Seen("Your page in the people directory", _directory()))
    if direct:
        audience.items.append(
            Seen(
                "Your 1:1s with them",
                _record_parts(other_person=True),
                "They are one of the two people in those 1:1s; your private notes stay yours.",
            )
        )
        audience.items.append(
            Seen(
                "Your wellbeing check-ins",
                (),
                "Only the ones you share with your manager, as long as you share them.",
            )
        )
    else:
        audience.items.append(
            Seen(
                "Your 1:1s with your manager",
                MEETING_HEADER,
                "When they are and whether they happen; never what is in them.",
            )
        )
    audience.items.append(
        Seen(
            "Your sign-ups to someone's office hours",
            MEETING_PAGE_FIELDS,
            "Among your meetings: when, with whom and whether; never the topic you gave.",
        )
    )
    audience.items.append(
        Seen(
            "Your mentoring",
            (),
            "Nothing: not who mentors you or whom you mentor, not even when your check-ins are.",
        )
    )
    audience.items.append(Seen("Your objectives", _objective_parts(relation)))
    return audience


def _directory() -> tuple[str, ...]:
    return ("Name", *(label for _, label in DIRECTORY_FIELDS), "the people who report to you")


def _hr_audience(*, viewer: User, manages: bool) -> Audience:
    audience = Audience(
        key="hr",
        title="HR",
        who="People with the HR role see that 1:1s happen, never what is said in them. "
        "Every time they open something about you, it is recorded for you.",
    )
    audience.items.append(Seen("Your page in the people directory", _directory()))
    audience.items.append(
        Seen(
            "Your 1:1 figures in HR's 1:1 reports, as a report",
            REPORT_HEADER,
            "In your manager's row, on the page and in its CSV file.",
        )
    )
    audience.items.append(Seen("Your 1:1s, in HR's list of your manager's 1:1s", MEETING_HEADER))
    gap_columns = (*GAP_HEADER_START, *GAP_MIDDLE_HEADERS["others"], GAP_HEADER_END)
    audience.items.append(
        Seen(
            "Lists of people whose 1:1s are overdue, not booked or without a manager",
            gap_columns,
            "Only when you are on such a list.",
        )
    )
    new_starter_columns = (
        *GAP_HEADER_START,
        *GAP_MIDDLE_HEADERS["new_starters"],
        GAP_HEADER_END,
    )
    audience.items.append(
        Seen("The list of new starters", new_starter_columns, "In your first six months.")
    )
    if manages:
        audience.items.append(
            Seen(
                "Your figures as a manager",
                MANAGER_HEADER,
                "Counts over the 1:1s with your reports; what they say stays between you.",
            )
        )
    audience.items.append(
        Seen(
            "The page of one of your 1:1s or series",
            MEETING_PAGE_FIELDS,
            "Times and status; never agenda items, notes, actions or feedback. The same "
            "for your mentoring check-ins and sign-ups to office hours (never the topic).",
        )
    )
    audience.items.append(
        Seen(
            "Your mentoring relationships, on HR's “Mentoring pairs” page",
            HR_PAIR_COLUMNS,
            "Who mentors whom and the dates of the check-ins; never what is said in them.",
        )
    )
    audience.items.append(Seen("Your objectives", _objective_parts(HR)))
    audience.items.append(
        Seen(
            "Your wellbeing check-ins",
            HR_FIGURES,
            "Never a check-in: only monthly figures of a team of five or more people "
            "who checked in, once the month is over (see below for the ones you are in).",
        )
    )
    return audience


def _admin_fields(
    request: HttpRequest, model: type[Model], obj: Model | None = None
) -> tuple[str, ...]:
    """The fields the admin site's page of ``model`` shows (of ``obj``: a person's page
    is not the form that adds one), leaving out what only acts on the row (``LEAVING``)."""
    model_admin = admin.site.get_model_admin(model)
    names = flatten_fieldsets(model_admin.get_fieldsets(request, obj))
    return tuple(
        str(label_for_field(name, model, model_admin)) for name in names if name not in ACTIONS
    )


def _admin_inline_fields(
    request: HttpRequest, model: type[Model], inline_model: type[Model]
) -> tuple[str, ...]:
    """The columns of the inline of ``inline_model`` on the admin's page of ``model``
    (made here, not asked of the page: the page offers its inlines only to those who may
    open them, and the viewer is not one)."""
    model_admin = admin.site.get_model_admin(model)
    for inline_class in model_admin.inlines:
        if inline_class.model is inline_model:
            inline = inline_class(model, admin.site)
            names = flatten_fieldsets(inline.get_fieldsets(request))
            return tuple(str(label_for_field(name, inline_model, inline)) for name in names)
    raise LookupError(f"No inline of {inline_model.__name__} on {model.__name__}'s admin page")


def _admin_audience(request: HttpRequest, *, person: User) -> Audience:
    audience = Audience(
        key="admin",
        title="Administrators, in the admin site",
        who="People with admin site access set up people, teams and reporting lines. "
        "Opening your account, objectives, 1:1s, office hours, mentoring, emails or "
        "account changes there is recorded for you.",
    )
    audience.items.append(Seen("Your account", _admin_fields(request, User, person)))
    audience.items.append(Seen("Your 1:1 series", _admin_fields(request, MeetingSeries)))
    audience.items.append(Seen("Your 1:1s", _admin_fields(request, Meeting)))
    audience.items.append(
        Seen("Emails and reminders sent to you", _admin_fields(request, Reminder))
    )
    audience.items.append(Seen("Your objectives", _admin_fields(request, Objective)))
    audience.items.append(
        Seen("Your office hours, as their host", _admin_fields(request, OfficeHours))
    )
    audience.items.append(
        Seen(
            "Your sign-ups to office hours, on the host's page",
            _admin_inline_fields(request, OfficeHours, SignUp),
            "Never the topic you gave: only you and the host see it.",
        )
    )
    audience.items.append(
        Seen(
            "Your mentoring relationships",
            _admin_fields(request, Mentorship),
            "Never what is said in your check-ins.",
        )
    )
    audience.items.append(
        Seen("Changes made to your account", _admin_fields(request, PersonChange))
    )
    audience.items.append(
        Seen(
            "Your wellbeing check-ins, notes and records of who looked at you",
            (),
            "Not in the admin site at all.",
        )
    )
    return audience


@dataclass
class SeenByOthers:
    audiences: list[Audience]
    figures: list[TeamMonthFigures]
    individual_objectives: int


def seen_by_others(*, viewer: User, request: HttpRequest) -> SeenByOthers:
    """What each kind of person in ``viewer``'s organisation can see about them.
    ``request`` is the viewer's: the admin site's fields are read as its pages build
    them (they do not depend on who asks)."""
    person = User.objects.select_related("manager__manager").get(pk=viewer.pk)
    audiences = []
    manager = person.manager
    if manager is not None:
        audiences.append(_line_audience("manager", manager, relation=MANAGER, direct=True))
        if manager.manager is not None:
            audiences.append(
                _line_audience(
                    "grand_manager", manager.manager, relation=GRAND_MANAGER, direct=False
                )
            )
    manages = User.objects.filter(manager=person, is_active=True).exists()
    audiences.append(_hr_audience(viewer=person, manages=manages))
    audiences.append(_admin_audience(request, person=person))
    return SeenByOthers(
        audiences=audiences,
        figures=list(published_figures_counting(viewer=person)),
        individual_objectives=Objective.objects.filter(
            owner=person, level=Level.INDIVIDUAL
        ).count(),
    )
