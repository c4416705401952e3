"""Posting admin change forms from tests the way a browser would."""

import datetime as dt


def _post_values(bound_field) -> list[str] | None:
    value = bound_field.value()
    if isinstance(value, bool):
        return ["on"] if value else None  # an unticked box is not sent
    if value is None:
        return [""]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    if isinstance(value, dt.date):
        return [value.isoformat()]
    return [str(value)]


def _form_data(form, data: dict) -> None:
    for name in form.fields:
        values = _post_values(form[name])
        if values is not None:
            data[form.add_prefix(name)] = values


def admin_form_data(response, **changes) -> dict:
    """The data a browser would post back from the admin page ``response`` (the form as
    shown, inlines included), with ``changes`` on top. A change of None unticks a box."""
    data: dict = {}
    _form_data(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _form_data(formset.management_form, data)
        for form in formset.forms:
            _form_data(form, data)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data
