"""Mentoring relationships in the admin site: who mentors whom, who proposed it, its
status and dates, as HR's "Mentoring pairs" page shows them. The relationship holds no
content; what the pair say is in their check-ins, which the admin's meetings show by
time and status only.

Read-only: proposing, answering and ending happen in the app, where ending also ends
the pair's series and tells both. Opening a relationship here is recorded for both
people ("Who looked at my records").
"""

from django.contrib import admin

from mentoring.models import Mentorship
from oneonones.admin import CheckedQueryAdmin, ReadOnlyAdmin
from people.admin import RecordsLooks
from people.models import RecordAccess


@admin.register(Mentorship)
class MentorshipAdmin(RecordsLooks, ReadOnlyAdmin, CheckedQueryAdmin, admin.ModelAdmin):
    look_kind = RecordAccess.Kind.ADMIN_MENTORING
    look_people = ("mentor_id", "mentee_id")
    list_display = ("__str__", "mentor", "mentee", "status", "created_at", "ended_at")
    list_filter = ("status", "set_up_by_hr")
    search_fields = (
        "mentor__full_name",
        "mentor__email",
        "mentee__full_name",
        "mentee__email",
    )
    list_select_related = ("mentor", "mentee")
    date_hierarchy = "created_at"
    fields = (
        "mentor",
        "mentee",
        "status",
        "proposed_by",
        "set_up_by_hr",
        "created_at",
        "accepted_at",
        "declined_at",
        "ended_at",
        "ended_by",
    )
