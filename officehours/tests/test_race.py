"""Two people sign up for one slot at the same moment, each in a transaction of their
own on its own connection: the database's exclusion constraint lets exactly one in."""

import datetime as dt

import pytest
import time_machine

from meetings.models import Meeting
from meetings.tests.concurrency import run_at_once
from officehours import services
from officehours.models import SignUp
from officehours.services import SlotTaken
from officehours.tests.conftest import THURSDAY, at, publish
from people.tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_two_people_racing_for_one_slot_exactly_one_wins(manager):
    with time_machine.travel(THURSDAY, tick=False):
        racers = [UserFactory(manager=manager) for _ in range(2)]
        hours = publish(manager)
        moments = iter(racers)

        def sign_up():
            # Each thread takes the next racer; time-machine's clock is process-wide.
            person = next(moments)
            return services.sign_up(hours=hours, person=person, starts_at=at(7, 14, 20))

        won, errors = run_at_once(sign_up, times=2)
    assert [repr(error) for error in errors if not isinstance(error, SlotTaken)] == []
    assert len(won) == 1 and len(errors) == 1
    assert str(errors[0]) == "Someone just took that slot; here are the next free ones."
    meeting = Meeting.objects.get()
    assert meeting.starts_at == at(7, 14, 20)
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(minutes=20)
    assert SignUp.objects.get().meeting == meeting
    assert meeting.participant_id in {person.pk for person in racers}
