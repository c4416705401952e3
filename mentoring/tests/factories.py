import factory
from django.utils import timezone

from mentoring.models import Mentorship
from people.tests.factories import UserFactory


class MentorshipFactory(factory.django.DjangoModelFactory):
    """An active relationship (as if the mentee proposed and the mentor accepted)."""

    class Meta:
        model = Mentorship

    mentor = factory.SubFactory(UserFactory)
    mentee = factory.SubFactory(UserFactory)
    proposed_by = factory.SelfAttribute("mentee")
    status = Mentorship.Status.ACTIVE
    created_at = factory.LazyFunction(timezone.now)
    accepted_at = factory.LazyFunction(timezone.now)
