from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count

from people.models import Team, User


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class ReportInline(admin.TabularInline):
    model = User
    fk_name = "manager"
    fields = ("full_name", "email", "job_title", "team")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "direct report"
    verbose_name_plural = "direct reports"

    def get_queryset(self, request):
        # One query for every row's team, however many reports (the head of a
        # large organisation has a hundred).
        return super().get_queryset(request).select_related("team")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ("full_name",)
    list_display = ("full_name", "email", "team", "manager", "start_date", "is_hr", "is_active")
    list_filter = ("is_hr", "is_staff", "is_active", "team")
    list_select_related = ("team", "manager")
    search_fields = ("full_name", "email", "job_title")
    autocomplete_fields = ("manager", "team")
    inlines = [ReportInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "job_title", "time_zone", "start_date")}),
        ("Organisation", {"fields": ("team", "manager", "is_hr")}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")


class MemberInline(admin.TabularInline):
    model = User
    fk_name = "team"
    fields = ("full_name", "email", "manager")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "member"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("manager")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "member_count")
    search_fields = ("name",)
    inlines = [MemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_member_count=Count("members"))

    @admin.display(description="members", ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count


admin.site.site_header = "oneonones administration"
admin.site.site_title = "oneonones admin"
admin.site.index_title = "People, teams and reporting lines"
