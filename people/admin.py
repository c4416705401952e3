"""People and teams in the admin site.

The admin site is not a side door into anyone's account. Nobody sets or sees another
person's password here: the password page of Django's user admin answers 404, a new
person is created without a password and emailed a link to choose one, and an
administrator who thinks someone's password needs changing sends them Django's
password-reset email. Every change an administrator makes to a person is saved through
``people.services``, which records it (``PersonChange``: who, when, old and new value)
and emails the person; the record itself is read-only for everyone, superusers included.

Opening a person's account here is recorded for them (``RecordAccess``, "Who looked at
my records" on their profile). Those records are not in the admin site at all: nobody
but the person sees them, and nobody can change or delete them.
"""

from collections.abc import Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count, Model
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from oneonones.admin import ReadOnlyAdmin, _AdminBase
from oneonones.errors import ServiceError, message_error
from people.models import PersonChange, RecordAccess, Team, User
from people.services import (
    PROFILE_FIELDS,
    person_create_by_admin,
    person_send_password_reset,
    person_update_by_admin,
    record_access,
)


class RecordsLooks(_AdminBase):
    """For the admin of a model whose rows are about people: opening its list or one of
    its pages is recorded for the people shown (``RecordAccess``, "Who looked at my
    records"), unless the administrator is them or in their line (``record_access``).
    ``look_people`` names the attributes holding those people's ids; ``look_kind`` is
    what the record says they opened."""

    look_kind: str
    look_people: tuple[str, ...]
    # False where the list only names people (the list of people is a directory).
    look_at_lists = True

    def _record_looks(self, request, objects: Iterable[Model]) -> None:
        ids = [getattr(obj, name) for obj in objects for name in self.look_people]
        record_access(viewer=request.user, person_ids=ids, kind=self.look_kind)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and self.look_at_lists:
            self._record_looks(request, changelist.result_list)
        return response

    def _record_look_at_one(self, request, response, key: str):
        one = getattr(response, "context_data", {}).get(key)
        if one is not None:
            self._record_looks(request, [one])
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return self._record_look_at_one(request, response, "original")

    # The history and the delete confirmation name the row and what hangs on it too.
    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        return self._record_look_at_one(request, response, "object")

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        return self._record_look_at_one(request, response, "object")


# What only a superuser may change: each of them hands out admin powers.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "groups", "user_permissions")


class UserChangeAdminForm(forms.ModelForm):
    class Meta:
        model = User
        fields = (*PROFILE_FIELDS, "groups", "user_permissions")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin builds the form from its fieldsets, not from Meta: should a fieldset
        # ever name the password again, the page breaks instead of offering it.
        self.fields.pop("password", None)
        # Each permission is shown as "app | model | name": read the content types with
        # the permissions, not one query per permission (four per model, 180 and more).
        permissions = self.fields.get("user_permissions")
        if isinstance(permissions, forms.ModelMultipleChoiceField):
            queryset = permissions.queryset
            if queryset is not None:
                permissions.queryset = queryset.select_related("content_type")


class UserCreationAdminForm(forms.ModelForm):
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
class UserAdmin(RecordsLooks, BaseUserAdmin):
    # Opening someone's account here (its page, history or delete confirmation) is
    # recorded for them, unless the administrator is that person or in their line.
    look_kind = RecordAccess.Kind.ADMIN_ACCOUNT
    look_people = ("pk",)
    look_at_lists = False
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    add_form_template = "admin/people/user/add_form.html"
    ordering = ("full_name",)
    list_display = ("full_name", "email", "team", "manager", "start_date", "is_hr", "is_active")
    list_filter = ("is_hr", "is_staff", "is_active", "team")
    list_select_related = ("team", "manager")
    search_fields = ("full_name", "email", "job_title")
    autocomplete_fields = ("manager", "team")
    inlines = [ReportInline]
    actions = ["send_password_reset"]
    fieldsets = (
        (None, {"fields": ("email", "password_status")}),
        ("Person", {"fields": ("full_name", "job_title", "time_zone", "start_date")}),
        ("Organisation", {"fields": ("team", "manager", "is_hr")}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name")}),)
    readonly_fields = ("password_status", "last_login", "date_joined")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            fields = (*fields, *SUPERUSER_ONLY_FIELDS)
        return fields

    def _may_change(self, request, person: User | None) -> bool:
        # A staff member who is not a superuser must not take over a superuser's account
        # (change its email, then send the reset link to themselves).
        return person is None or not person.is_superuser or request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    @admin.display(description="Password")
    def password_status(self, obj):
        if obj is None or obj.pk is None:
            return "They choose it themselves, from the link in their welcome email."
        state = "Chosen" if obj.has_usable_password() else "Not chosen yet"
        url = reverse("admin:people_user_send_password_reset", args=[obj.pk])
        return format_html(
            '{}. Nobody can set it for them here. <a href="{}">Send a password-reset email</a>',
            state,
            url,
        )

    # --- Saving goes through people.services, which records and tells -----------------

    def save_model(self, request, obj, form, change):
        if not change:
            person_create_by_admin(person=obj, by=request.user)
            messages.info(
                request, f"{obj.email} gets an email with a link to choose their password."
            )
            return
        person_update_by_admin(
            person=obj,
            by=request.user,
            groups=form.cleaned_data.get("groups"),
            permissions=form.cleaned_data.get("user_permissions"),
        )

    def save_related(self, request, form, formsets, change):
        # The person's groups and permissions were saved by the service, with the rest
        # of the change and its record; only the (read-only) inlines are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    # --- No passwords set here; a reset email instead ------------------------------------

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password would let an administrator sign in as them and
        # read their private notes and check-ins. Not for anyone, not even for one's
        # own account: that is what "Change your password" on the profile is for.
        raise Http404("Passwords are not set in the admin site.")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/send-password-reset/",
                self.admin_site.admin_view(self.send_password_reset_view),
                name="people_user_send_password_reset",
            ),
            *super().get_urls(),
        ]

    def send_password_reset_view(self, request, object_id):
        person = self.get_object(request, unquote(object_id))
        if person is None or not self.has_change_permission(request, person):
            raise Http404("No such person.")
        if request.method == "POST":
            try:
                person_send_password_reset(person=person, by=request.user)
            except ServiceError as error:
                message_error(request, error)
            else:
                messages.success(
                    request, f"A password-reset email is on its way to {person.email}."
                )
            return redirect("admin:people_user_change", person.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Send {person} a password-reset email?",
            "opts": self.opts,
            "person": person,
        }
        return TemplateResponse(request, "admin/people/user/send_password_reset.html", context)

    @admin.action(permissions=["change"], description="Send a password-reset email")
    def send_password_reset(self, request, queryset):
        sent, skipped = [], []
        for person in queryset:
            if not self.has_change_permission(request, person):
                skipped.append(f"{person} (only a superuser may)")
                continue
            try:
                person_send_password_reset(person=person, by=request.user)
            except ServiceError:
                skipped.append(f"{person} (not active)")
            else:
                sent.append(str(person))
        if sent:
            messages.success(request, f"Sent a password-reset email to {', '.join(sent)}.")
        if skipped:
            messages.warning(request, f"Sent nothing to {', '.join(skipped)}.")


@admin.register(PersonChange)
class PersonChangeAdmin(RecordsLooks, ReadOnlyAdmin, admin.ModelAdmin):
    """The record of what administrators changed: to look at, never to edit or delete.
    Opening it is recorded for the people it lists."""

    look_kind = RecordAccess.Kind.ADMIN_CHANGES
    look_people = ("person_id",)

    list_display = ("at", "person", "field", "old_value", "new_value", "changed_by_name", "via")
    list_display_links = ("at",)
    list_filter = ("field", "via")
    list_select_related = ("person",)
    search_fields = ("person__full_name", "person__email", "changed_by_name")
    date_hierarchy = "at"
    fields = (
        "at",
        "person",
        "field",
        "old_value",
        "new_value",
        "changed_by",
        "changed_by_name",
        "via",
        "told_at",
    )


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
