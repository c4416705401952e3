import factory
from django.utils import timezone

from people.tests.factories import UserFactory
from wellbeing.models import CheckIn, WellbeingNote


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    employee = factory.SubFactory(UserFactory)
    team = factory.LazyAttribute(lambda o: o.employee.team)
    created_at = factory.LazyFunction(timezone.now)
    happiness = 4
    workload = 3
    work_life_balance = 4
    note = ""
    shared_with_manager = False
    shared_at = factory.LazyAttribute(lambda o: o.created_at if o.shared_with_manager else None)


class WellbeingNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WellbeingNote

    author = factory.SubFactory(UserFactory)
    subject = factory.SubFactory(UserFactory, manager=factory.SelfAttribute("..author"))
    text = "Agreed a lighter load for March."
    shared_with_subject = False
