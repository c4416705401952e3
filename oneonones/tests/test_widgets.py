"""``FlatSelect`` writes the HTML of Django's ``Select`` without its templates."""

import pytest
from django import forms

from oneonones.widgets import FlatSelect
from people.models import Team
from people.tests.factories import TeamFactory

ATTRS = {"class": "form-select", "data-on": True, "data-off": False, "title": 'a "b" <c>'}


def both(field_class, value, **options):
    """The field's HTML with Django's widget and with ours."""

    def form(widget):
        class Filters(forms.Form):
            choice = field_class(widget=widget(attrs=ATTRS), **options)

        return str(Filters({"choice": value} if value is not None else None)["choice"])

    return form(forms.Select), form(FlatSelect)


@pytest.mark.parametrize("value", [None, "", "first", "nonsense"])
def test_it_writes_what_djangos_select_writes_for_models(db, value):
    teams = [TeamFactory(name=name) for name in ("Sales & <Marketing>", "Ops", "Zeta")]
    choose = {"first": teams[0].pk}.get(value, value)
    django, ours = both(
        forms.ModelChoiceField,
        choose,
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label="All <teams>",
    )
    assert ours == django
    assert "Sales &amp; &lt;Marketing&gt;" in ours


@pytest.mark.parametrize("value", [None, "b", "zz"])
def test_it_writes_what_djangos_select_writes_for_choices(value):
    choices = [("a", "First"), ("b", "Second & more"), (3, "Third")]
    django, ours = both(forms.ChoiceField, value, choices=choices, required=False)
    assert ours == django
    assert ours.count("<option") == 3


def test_groups_are_left_to_django():
    choices = [("Group <1>", [("a", "A"), ("b", "B")]), ("c", "C")]
    django, ours = both(forms.ChoiceField, "a", choices=choices)
    assert ours == django
    assert "<optgroup" in ours
