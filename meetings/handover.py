"""What happens to someone's 1:1s when their manager changes.

``people.services`` sends ``people.signals.manager_changed`` in the transaction of every
change of manager (the admin site, the CSV import, the API); ``meetings_hand_over``
receives it here, once, whatever the path. The rules (DESIGN.md: agenda items, shared
notes and actions are the two people's; a private note its author's):

- The old pair's series end and their future 1:1s are called off (untouched ones
  removed, ones with content cancelled), as for a leaver (``meetings.leavers``). Their
  past 1:1s stay theirs: the old manager keeps seeing the meetings they were one of the
  two people of, as before; private notes stay with their author.
- The new manager never sees the old pair's content: every content selector is scoped
  to the two people of a meeting, and nothing is copied to them here.
- The report is offered their own undiscussed agenda items and the pair's open actions
  (``record.selectors.handover_offer``) and chooses what to bring
  (``record.services.handover_choose``); what they chose lands on the new pair's next
  1:1 once one is booked (``record.services.handovers_bring``).
- All three people are told through the outbox (``notifications.outbox.manager_changed``);
  the new manager is asked to book, also on their home page until a series exists.
- Objectives follow the reporting line by themselves (``objectives.selectors``).
"""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from meetings.leavers import cancel_future_where, end_series_where
from meetings.models import ManagerHandover
from meetings.record.selectors import handover_offer
from notifications import outbox as reminders
from people.models import User


@transaction.atomic
def meetings_hand_over(
    *, person: User, old_manager_id: int | None, new_manager_id: int | None, by: User | None
) -> ManagerHandover:
    now = timezone.now()
    called_off = 0
    if old_manager_id is not None:
        called_off = end_series_where(Q(organiser_id=old_manager_id, participant=person))
        called_off += cancel_future_where(
            Q(organiser_id=old_manager_id, participant=person)
            | Q(organiser=person, participant_id=old_manager_id),
            by=by,
        )
    # A choice not brought yet goes to whoever is the manager now: nothing is lost
    # when the line changes twice before the first 1:1.
    ManagerHandover.objects.filter(person=person, brought_at__isnull=True).update(
        new_manager_id=new_manager_id
    )
    handover = ManagerHandover.objects.create(
        person=person,
        old_manager_id=old_manager_id,
        new_manager_id=new_manager_id,
        changed_at=now,
        meetings_called_off=called_off,
    )
    offer = handover_offer(handover=handover)
    if not offer.items and not offer.actions:
        # Nothing to choose: settled at once, so the report is not asked.
        handover.chosen_at = handover.brought_at = now
        handover.save(update_fields=["chosen_at", "brought_at"])
    reminders.manager_changed(handover=handover, now=now)
    return handover


def on_manager_changed(
    sender: Any,
    *,
    person: User,
    old_manager_id: int | None,
    new_manager_id: int | None,
    by: User | None,
    **kwargs: Any,
) -> None:
    """The receiver of ``people.signals.manager_changed`` (connected in ``apps.py``)."""
    meetings_hand_over(
        person=person, old_manager_id=old_manager_id, new_manager_id=new_manager_id, by=by
    )
