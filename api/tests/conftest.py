"""A small organisation for the API's tests: a manager and their report with a 1:1
between them (an agenda item and an action on it), an objective and a check-in of the
report, and a personal access token for whoever a test asks."""

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from api.services import token_create
from meetings.models import ActionItem, AgendaItem, Meeting
from meetings.tests.factories import ActionItemFactory, AgendaItemFactory, MeetingFactory
from objectives.models import Objective
from objectives.tests.factories import ObjectiveFactory
from people.models import User
from wellbeing.models import CheckIn
from wellbeing.tests.factories import CheckInFactory


@pytest.fixture(autouse=True)
def _own_rate_counts(settings):
    """Rate-limit counts of this test's own: every test asks from 127.0.0.1, and another
    test's requests in the same minute must not count against it."""
    settings.CACHES = {
        **settings.CACHES,
        "api": {**settings.CACHES["api"], "KEY_PREFIX": f"api-test-{uuid.uuid4().hex}"},
    }


@dataclass
class Scenario:
    meeting: Meeting
    agenda_item: AgendaItem
    action: ActionItem
    objective: Objective
    checkin: CheckIn
    person: User


@pytest.fixture
def scenario(employee, manager):
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=3)
    meeting = MeetingFactory(organiser=manager, participant=employee, starts_at=starts)
    objective = ObjectiveFactory(
        owner=employee, title="Ship the API", description="Planted description"
    )
    return Scenario(
        meeting=meeting,
        agenda_item=AgendaItemFactory(meeting=meeting, series=None, text="Planted agenda"),
        action=ActionItemFactory(
            meeting=meeting, series=None, owner=employee, description="Planted action"
        ),
        objective=objective,
        checkin=CheckInFactory(employee=employee, note="Planted check-in"),
        person=employee,
    )


def bearer(person: User, *, scope: str = ApiToken.Scope.READ_WRITE) -> dict[str, str]:
    """Headers for a new token of ``person``'s."""
    secret = token_create(owner=person, name="tests", scope=scope).secret
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api():
    """A client that speaks JSON."""

    class JsonClient(Client):
        def post(self, path, data=None, **extra):
            return super().post(path, data or {}, content_type="application/json", **extra)

    return JsonClient()
