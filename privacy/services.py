"""Anonymising a leaver: one transaction over every app that holds something of theirs.

Each app removes its own part through its own service; this module only puts them in
order and in one transaction, so an anonymisation is all done or not at all. It is
never undone: the words are deleted, not hidden.
"""

from django.db import transaction

from meetings.leavers import meetings_close_for_leaver
from mentoring.services import mentoring_close_for_leaver
from notifications.services import outbox_close_for_leaver
from objectives.services import objectives_remove_words_of
from officehours.services import officehours_close_for_leaver
from people.models import PersonChange, User
from people.services import check_anonymisable, person_anonymise_account
from wellbeing.services import wellbeing_remove_person


def person_anonymise(*, person: User, by: User) -> PersonChange:
    """Anonymise ``person``, who has left, on the order of ``by`` (a superuser).

    Their account stays, switched off and nameless (``people``); their future 1:1s are
    called off and what they wrote in 1:1s is removed, while held and cancelled
    meetings stay for HR's counts (``meetings``); their mentoring relationships end and
    the other person is told (``mentoring``); their office hours are withdrawn and
    the topics they gave when signing up removed (``officehours``); their check-ins and the wellbeing
    notes by or about them are deleted (``wellbeing``); their comments and notes on
    objectives are removed, the objectives' facts stay (``objectives``). Records of who
    looked at whose records are kept, as they always are. Returns the account change
    that records it."""
    with transaction.atomic():
        # Locked and checked first: two superusers confirming at once anonymise once.
        person = User.objects.select_for_update().get(pk=person.pk)
        check_anonymisable(person=person, by=by)
        meetings_close_for_leaver(person=person, by=by)
        mentoring_close_for_leaver(person=person, by=by)
        officehours_close_for_leaver(person=person)
        outbox_close_for_leaver(person=person)
        objectives_remove_words_of(person=person)
        wellbeing_remove_person(person=person)
        return person_anonymise_account(person=person, by=by)
