"""Anonymising a leaver, from the person's page in the admin site (superusers only).

The people admin (``people.admin.UserAdmin``) is registered again here with one more
page, ``/admin/people/user/<id>/anonymise/``: a confirmation that says what goes, what
stays and that it cannot be undone, and a button that calls
``privacy.services.person_anonymise``. ``people`` does not know about it (it sits below
the apps whose data this removes); this app is installed last so its admin comes after.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from oneonones.errors import ServiceError, message_error
from people.admin import UserAdmin
from people.models import RecordAccess, User
from people.services import is_anonymised, record_access
from privacy.services import person_anonymise

LEAVING = ("Leaving", {"fields": ("anonymise",)})


class LeaverUserAdmin(UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "anonymise")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            return (*fieldsets, LEAVING)
        return fieldsets

    @admin.display(description="Anonymise")
    def anonymise(self, obj):
        if obj is None or obj.pk is None:
            return ""
        if is_anonymised(obj):
            return "Anonymised: their name, address and what they wrote are gone."
        url = reverse("admin:people_user_anonymise", args=[obj.pk])
        return format_html(
            'For someone who has left. <a href="{}">Anonymise {}…</a> (asks first; '
            "cannot be undone)",
            url,
            obj,
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/anonymise/",
                self.admin_site.admin_view(self.anonymise_view),
                name="people_user_anonymise",
            ),
            *super().get_urls(),
        ]

    def anonymise_view(self, request, object_id):
        if not request.user.is_superuser:
            raise Http404("No such page.")
        person = self.get_object(request, unquote(object_id))
        if person is None:
            raise Http404("No such person.")
        if request.method == "POST":
            name = str(person)
            try:
                person_anonymise(person=person, by=request.user)
            except ServiceError as error:
                message_error(request, error)
            else:
                messages.success(request, f"{name} is anonymised.")
            return redirect("admin:people_user_change", person.pk)
        record_access(
            viewer=request.user, person_ids=[person.pk], kind=RecordAccess.Kind.ADMIN_ACCOUNT
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Anonymise {person}?",
            "opts": self.opts,
            "person": person,
            "anonymised": is_anonymised(person),
        }
        return TemplateResponse(request, "admin/privacy/anonymise.html", context)


admin.site.unregister(User)
admin.site.register(User, LeaverUserAdmin)
