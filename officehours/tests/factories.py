import datetime as dt

import factory
from django.utils import timezone

from meetings.models import Kind
from meetings.tests.factories import MeetingFactory
from officehours.models import OfficeHours, SignUp
from people.tests.factories import UserFactory


class OfficeHoursFactory(factory.django.DjangoModelFactory):
    """Thursdays 14:00\u201316:00 London, for the host's team, from today."""

    class Meta:
        model = OfficeHours

    host = factory.SubFactory(UserFactory)
    weekdays = factory.LazyFunction(lambda: [3])
    start_time = dt.time(14)
    end_time = dt.time(16)
    time_zone = "Europe/London"
    first_date = factory.LazyFunction(timezone.localdate)


class SignUpFactory(factory.django.DjangoModelFactory):
    """A sign-up and its meeting, straight in the database (the booking rules are
    ``services.sign_up``'s): ``meeting__participant``, ``meeting__starts_at`` and
    ``meeting__status`` say who, when and whether."""

    class Meta:
        model = SignUp

    office_hours = factory.SubFactory(OfficeHoursFactory)
    meeting = factory.SubFactory(
        MeetingFactory,
        organiser=factory.SelfAttribute("..office_hours.host"),
        kind=Kind.OFFICE_HOURS,
    )
    topic = ""
