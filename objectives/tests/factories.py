import factory
from django.utils import timezone

from objectives.models import KeyResult, Level, Objective, ObjectiveComment, State
from people.tests.factories import UserFactory


class ObjectiveFactory(factory.django.DjangoModelFactory):
    """An active individual objective. Made directly, without history: tests of the
    flow go through the services."""

    class Meta:
        model = Objective

    level = Level.INDIVIDUAL
    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Objective {n}")
    state = State.ACTIVE
    created_by = factory.SelfAttribute("owner")
    created_at = factory.LazyFunction(timezone.now)
    last_update_at = factory.LazyFunction(timezone.now)
    rejection_reason = factory.LazyAttribute(
        lambda o: "Not now" if o.state == State.REJECTED else ""
    )


class GoalFactory(ObjectiveFactory):
    """A team goal for the owner's team."""

    level = Level.TEAM
    team = factory.SelfAttribute("owner.team")
    title = factory.Sequence(lambda n: f"Team goal {n}")


class KeyResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyResult

    objective = factory.SubFactory(ObjectiveFactory)
    title = factory.Sequence(lambda n: f"Key result {n}")
    start = 0
    target = 10
    current = 0
    unit = "things"


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObjectiveComment

    objective = factory.SubFactory(ObjectiveFactory)
    author = factory.SelfAttribute("objective.owner")
    body = "A comment"
