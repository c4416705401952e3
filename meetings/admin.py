"""Admin views of series and meetings: times and status only.

Notes people wrote for each other when cancelling or moving stay out of the
admin site, as will agenda items and notes: it must not be a side door to what
two people said to each other. Opening them here is recorded for the two people (or the
recipient of a reminder): "Who looked at my records".
"""

from django.contrib import admin

from meetings.models import Meeting, MeetingSeries
from oneonones.admin import CheckedQueryAdmin
from people.admin import RecordsLooks
from people.models import RecordAccess

# Whose records a series or a meeting is: its two people.
BOTH = ("organiser_id", "participant_id")


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(RecordsLooks, CheckedQueryAdmin, admin.ModelAdmin):
    look_kind = RecordAccess.Kind.ADMIN_MEETINGS
    look_people = BOTH
    list_display = ("__str__", "cadence_text", "status", "generated_until")
    list_filter = ("status", "kind", "time_zone")
    search_fields = ("organiser__full_name", "participant__full_name")
    list_select_related = ("organiser", "participant")
    raw_id_fields = ("organiser", "participant")
    readonly_fields = ("generated_until", "created_at", "updated_at")
    fields = (
        "organiser",
        "participant",
        "kind",
        "status",
        "first_date",
        "end_date",
        "start_time",
        "time_zone",
        "duration_minutes",
        "format",
        "generated_until",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        # Series are booked in the app, where the cadence picker and clash checks are.
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(RecordsLooks, CheckedQueryAdmin, admin.ModelAdmin):
    look_kind = RecordAccess.Kind.ADMIN_MEETINGS
    look_people = BOTH
    list_display = ("__str__", "starts_at", "status", "cancel_reason")
    list_filter = ("status", "cancel_reason", "kind")
    search_fields = ("organiser__full_name", "participant__full_name")
    list_select_related = ("organiser", "participant")
    date_hierarchy = "starts_at"
    fields = (
        "series",
        "organiser",
        "participant",
        "kind",
        "starts_at",
        "ends_at",
        "status",
        "cancelled_by",
        "cancel_reason",
        "rescheduled_from",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Changing times here would skip the no-double-booking rows; use the app.
        return False
