"""Objectives in the admin site: for looking things up and tidying (titles, owners,
reporting to the right goal).

The admin site sees what HR sees of an objective and nothing more: its title, whose
it is, the goal it contributes to, its state, progress, score and dates, and the
history of those. Not the conversation between the owner and their line (comments,
the notes written with a change, a rejection's reason), nor the description and key
results: no field, inline, list column, search or delete confirmation shows them.

State, progress, score and due date change only through the app, where the allowed
transitions are enforced and every change is written to the history; so those fields
are read-only here, and the history cannot be edited.

Opening someone's objectives here (the list, an objective's page) is recorded for
them ("Who looked at my records"), unless the administrator is in their line.
"""

from django.contrib import admin

from objectives.models import Objective, ObjectiveChange
from objectives.selectors import FACT_FIELDS, individual_owners
from oneonones.admin import CheckedQueryAdmin
from people.models import RecordAccess
from people.services import record_access


class ChangeInline(admin.TabularInline):
    model = ObjectiveChange
    # No ``note``: it is written in the conversation between the owner and their line.
    fields = ("at", "field", "from_value", "to_value", "by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "history entry"
    verbose_name_plural = "history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by").defer("note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Objective)
class ObjectiveAdmin(CheckedQueryAdmin, admin.ModelAdmin):
    list_display = ("title", "level", "owner", "team", "state", "progress", "due_date", "score")
    list_filter = ("level", "state", "team")
    list_select_related = ("owner", "team")
    search_fields = ("title", "owner__full_name", "owner__email")
    autocomplete_fields = ("owner", "parent")
    date_hierarchy = "due_date"
    # What HR sees of an objective (its facts), from the one declaration of them.
    fields = FACT_FIELDS
    readonly_fields = tuple(
        name for name in FACT_FIELDS if name not in ("owner", "team", "parent", "title")
    )
    inlines = [ChangeInline]

    def has_add_permission(self, request):
        # New objectives start in the app: proposed by their owner or set by a manager.
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("description", "rejection_reason")

    def get_search_results(self, request, queryset, search_term):
        # The "contributes to" autocomplete offers goals only.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("field_name") == "parent":
            queryset = queryset.exclude(level="individual")
        return queryset, may_have_duplicates

    def get_deleted_objects(self, objs, request):
        # Django lists every related row by its name; a key result's name is its title,
        # which is beyond what the admin site sees. Say what goes, in numbers.
        _, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        return [str(obj) for obj in objs], model_count, perms_needed, protected

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            record_access(
                viewer=request.user,
                person_ids=individual_owners(objectives=changelist.result_list),
                kind=RecordAccess.Kind.ADMIN_OBJECTIVES,
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        objective = getattr(response, "context_data", {}).get("original")
        if objective is not None:
            record_access(
                viewer=request.user,
                person_ids=individual_owners(objectives=[objective]),
                kind=RecordAccess.Kind.ADMIN_OBJECTIVES,
            )
        return response
