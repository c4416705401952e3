import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from people.models import User
from people.tests.factories import UserFactory


def test_it_signs_in_by_email_whatever_the_case(db):
    User.objects.create_user("Zoe@Example.org", "pw-123456789", full_name="Zoe")
    assert User.objects.get_by_natural_key("ZOE@example.ORG").full_name == "Zoe"


def test_it_refuses_the_same_email_in_another_case(db):
    UserFactory(email="same@example.org")
    with pytest.raises(IntegrityError):
        UserFactory(email="SAME@example.org")


def test_it_refuses_a_reporting_loop(db):
    top = UserFactory()
    middle = UserFactory(manager=top)
    top.manager = middle
    with pytest.raises(ValidationError, match="loop"):
        top.full_clean()


def test_it_refuses_an_unknown_time_zone(db):
    user = UserFactory.build(time_zone="Mars/Olympus_Mons")
    with pytest.raises(ValidationError, match="not a known time zone"):
        user.full_clean(exclude=["password"])


@pytest.mark.parametrize("start_date", [dt.date.max, dt.date(1899, 12, 31)])
def test_it_refuses_a_start_date_out_of_bounds(db, start_date):
    """The admin site's form runs this too."""
    user = UserFactory.build(start_date=start_date)
    with pytest.raises(ValidationError, match="Pick a start date from 1 January 1900 to "):
        user.full_clean(exclude=["password"])


def test_it_refuses_being_your_own_manager_in_the_database(db):
    user = UserFactory()
    user.manager_id = user.pk
    with pytest.raises(IntegrityError):
        user.save()
