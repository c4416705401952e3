"""Office hours in the admin site: whose open time, when, for whom, and who signed up
when, with the meeting's status. Never a sign-up's topic: it is the two people's only
(``SignUp.topic``), so no field, inline, list column or search reads it, and it is not
even loaded (deferred).

Read-only: publishing, changing and deleting open time happen in the app, where the
slots, the audience and the booked sign-ups are looked after (a deletion here would
leave sign-ups without telling anyone). Opening a host's office hours is recorded for
the host, and for each person whose sign-up the page lists ("Who looked at my
records"), as for meetings.
"""

from django.contrib import admin

from officehours.models import OfficeHours, SignUp
from officehours.services import EDITABLE_FIELDS
from oneonones.admin import CheckedQueryAdmin, ReadOnlyAdmin
from people.admin import RecordsLooks
from people.models import RecordAccess
from people.services import record_access


class SignUpInline(admin.TabularInline):
    model = SignUp
    # Who and when, from the meeting; no ``topic``.
    fields = ("person", "starts_at", "status", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "sign-up"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting__participant").defer("topic")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Signed up")
    def person(self, sign_up: SignUp) -> str:
        return str(sign_up.meeting.participant)

    @admin.display(description="Slot")
    def starts_at(self, sign_up: SignUp):
        return sign_up.meeting.starts_at

    @admin.display(description="Status")
    def status(self, sign_up: SignUp) -> str:
        return sign_up.meeting.get_status_display()


@admin.register(OfficeHours)
class OfficeHoursAdmin(RecordsLooks, ReadOnlyAdmin, CheckedQueryAdmin, admin.ModelAdmin):
    look_kind = RecordAccess.Kind.ADMIN_OFFICE_HOURS
    look_people = ("host_id",)
    list_display = ("__str__", "host", "description", "audience", "status", "first_date")
    list_filter = ("status", "audience", "format")
    search_fields = ("host__full_name", "host__email", "title")
    list_select_related = ("host",)
    fields = ("host", *EDITABLE_FIELDS, "status", "created_at", "updated_at")
    inlines = [SignUpInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        hours = getattr(response, "context_data", {}).get("original")
        if hours is not None:  # the host is recorded by RecordsLooks; these are the inline's
            people = SignUp.objects.filter(office_hours=hours).values_list(
                "meeting__participant_id", flat=True
            )
            record_access(viewer=request.user, person_ids=list(people), kind=self.look_kind)
        return response
