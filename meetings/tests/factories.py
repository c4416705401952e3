import datetime as dt

import factory
import recurrence
from django.utils import timezone

from meetings.models import ActionItem, AgendaItem, Format, Kind, Meeting, MeetingSeries, Note
from meetings.scheduling.services import save_attendances
from people.tests.factories import UserFactory


def weekly(interval: int = 1, weekday: int = 1) -> recurrence.Recurrence:
    rule = recurrence.Rule(recurrence.WEEKLY, interval=interval, byday=recurrence.Weekday(weekday))
    return recurrence.Recurrence(rrules=[rule], include_dtstart=False)


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingSeries

    organiser = factory.SubFactory(UserFactory)
    participant = factory.SubFactory(UserFactory, manager=factory.SelfAttribute("..organiser"))
    kind = Kind.ONE_TO_ONE
    cadence = factory.LazyFunction(weekly)
    start_time = dt.time(9, 30)
    time_zone = "Europe/London"
    first_date = factory.LazyFunction(timezone.localdate)
    duration_minutes = 30
    format = Format.VIDEO


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting with its attendance rows, so the no-double-booking rule sees it."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    organiser = factory.SubFactory(UserFactory)
    participant = factory.SubFactory(UserFactory, manager=factory.SelfAttribute("..organiser"))
    starts_at = factory.LazyFunction(
        lambda: timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=3)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=30))
    format = Format.VIDEO

    @factory.post_generation
    def attendances(obj, create, extracted, **kwargs):
        if create:
            save_attendances(meeting=obj, viewer=None)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    series = factory.SelfAttribute("meeting.series")
    author = factory.SelfAttribute("meeting.participant")
    text = factory.Sequence(lambda n: f"Topic {n}")
    position = factory.Sequence(lambda n: n)


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    meeting = factory.SubFactory(MeetingFactory)
    author = factory.SelfAttribute("meeting.organiser")
    visibility = Note.Visibility.SHARED
    body = "Shared note"
    updated_by = factory.SelfAttribute("author")


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    series = factory.SelfAttribute("meeting.series")
    owner = factory.SelfAttribute("meeting.participant")
    created_by = factory.SelfAttribute("meeting.organiser")
    description = factory.Sequence(lambda n: f"Action {n}")
