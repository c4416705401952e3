"""Objectives in the admin site: for looking things up and tidying (titles, owners,
reporting to the right goal). Objectives are not confidential, but their state,
progress, score and due date change only through the app, where the allowed
transitions are enforced and every change is written to the history; so those
fields are read-only here, and the history cannot be edited."""

from django.contrib import admin

from objectives.models import KeyResult, Objective, ObjectiveChange, ObjectiveComment
from oneonones.admin import CheckedQueryAdmin

TRACKED = ("state", "progress", "score", "due_date")


class KeyResultInline(admin.TabularInline):
    model = KeyResult
    fields = ("title", "start", "current", "target", "unit")
    readonly_fields = fields  # progress follows them: changed in the app, with history
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ChangeInline(admin.TabularInline):
    model = ObjectiveChange
    fields = ("at", "field", "from_value", "to_value", "by", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "history entry"
    verbose_name_plural = "history"

    def has_add_permission(self, request, obj=None):
        return False


class CommentInline(admin.TabularInline):
    model = ObjectiveComment
    fields = ("created_at", "author", "body")
    readonly_fields = fields
    extra = 0

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
    fields = (
        "level",
        "owner",
        "team",
        "parent",
        "title",
        "description",
        *TRACKED,
        "rejection_reason",
        "created_by",
        "created_at",
        "decided_by",
        "decided_at",
        "last_update_at",
    )
    readonly_fields = (
        "level",
        *TRACKED,
        "rejection_reason",
        "created_by",
        "created_at",
        "decided_by",
        "decided_at",
        "last_update_at",
    )
    inlines = [KeyResultInline, ChangeInline, CommentInline]

    def has_add_permission(self, request):
        # New objectives start in the app: proposed by their owner or set by a manager.
        return False

    def get_search_results(self, request, queryset, search_term):
        # The "contributes to" autocomplete offers goals only.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("field_name") == "parent":
            queryset = queryset.exclude(level="individual")
        return queryset, may_have_duplicates
