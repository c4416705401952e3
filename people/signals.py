"""What ``people`` tells the apps above it, which it must not import (``.importlinter``).

``manager_changed`` is sent by ``people.services`` inside the transaction that changed
someone's manager, whichever way it was changed (the admin site, the CSV import, the
API: ``people.services.announce_manager_change`` is the one place that sends it). It is
a signal rather than a call because the apps that act on it (meetings hands the 1:1s
over to the new line) sit above people. Receivers run in that transaction, so the change
and its consequences are saved together or not at all.

Arguments: ``person`` (the report, with the new manager set), ``old_manager_id`` and
``new_manager_id`` (either may be None), ``by`` (the administrator, None for an import).
"""

from django.dispatch import Signal

manager_changed = Signal()
