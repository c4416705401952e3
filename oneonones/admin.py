"""What the admin site's lists take from the query string.

Django's change list hands filter values to the database and the date drill-down
(``?starts_at__year=``) to ``datetime`` as they come: a NUL byte, which PostgreSQL
refuses in text, or a year such as 99999999 is an error page. Our admin classes
refuse such a query the way Django refuses an unknown filter: back to the list,
with "?e=1".
"""

from typing import TYPE_CHECKING, Any

from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Model, QuerySet
from django.http import HttpRequest, QueryDict

from oneonones.http import parse_int

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin
    from django.contrib.admin.views.main import ChangeList

    # A mixin for the admin of any model: the type checker sees the ModelAdmin it goes before.
    _AdminBase = ModelAdmin[Any]
else:
    _AdminBase = object

DATE_PARTS = {"year": (1, 9998), "month": (1, 12), "day": (1, 31)}


def unusable_list_query(query: QueryDict, *, date_hierarchy: str | None) -> bool:
    """True when the change list query has a value no filter can use."""
    for key, values in query.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return True
    if date_hierarchy:
        for part, (lowest, highest) in DATE_PARTS.items():
            values = query.getlist(f"{date_hierarchy}__{part}")
            if any(parse_int(v, minimum=lowest, maximum=highest) is None for v in values):
                return True
    return False


class ReadOnlyAdmin(_AdminBase):
    """Mix into a ModelAdmin (before it) whose rows change only in the app, where the
    rules, the messages and the record of the change are: to look at, never to add,
    edit or delete (and so no bulk action either)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class CheckedQueryAdmin(_AdminBase):
    """Mix into a ModelAdmin (before it): change lists and search refuse unusable input."""

    def get_changelist_instance(self, request: HttpRequest) -> "ChangeList":
        if unusable_list_query(request.GET, date_hierarchy=self.date_hierarchy):
            raise IncorrectLookupParameters("A filter value that no list can use.")
        return super().get_changelist_instance(request)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Model], search_term: str
    ) -> tuple[QuerySet[Model], bool]:
        # The autocomplete widgets search here too, with the typed text.
        if "\x00" in search_term:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)
