import factory
from django.contrib.auth.hashers import make_password

from people.models import Team, User

PASSWORD = "correct-horse-battery"
# Hashing once keeps factories fast; tests sign in with PASSWORD.
_PASSWORD_HASH = None


def _password_hash():
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = make_password(PASSWORD)
    return _PASSWORD_HASH


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    time_zone = "Europe/London"
    password = factory.LazyFunction(_password_hash)
