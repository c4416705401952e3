"""The outbox in the admin site: what went out, what waits and what failed."""

from django.contrib import admin

from notifications.models import Reminder
from oneonones.admin import CheckedQueryAdmin, ReadOnlyAdmin
from people.admin import RecordsLooks
from people.models import RecordAccess


@admin.register(Reminder)
class ReminderAdmin(RecordsLooks, ReadOnlyAdmin, CheckedQueryAdmin, admin.ModelAdmin):
    """The outbox, for seeing what went out, what waits and what failed. Read-only: the
    payload (event times for a cancellation) is left out like everything else. A chat
    webhook's address is nowhere in the admin site: it is its person's secret."""

    look_kind = RecordAccess.Kind.ADMIN_MESSAGES
    look_people = ("recipient_id",)

    list_display = ("kind", "channel", "recipient", "due_at", "state", "sent_at", "attempts")
    list_filter = ("state", "channel", "kind")
    search_fields = ("recipient__full_name", "recipient__email", "subject")
    list_select_related = ("recipient",)
    date_hierarchy = "due_at"
    fields = (
        "kind",
        "channel",
        "recipient",
        "meeting",
        "subject",
        "due_at",
        "state",
        "reason",
        "sent_at",
        "attempts",
        "last_error",
        "created_at",
        "updated_at",
    )
