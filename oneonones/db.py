"""Reading a model's own description, for the few places that write SQL or check input
against the database's limits themselves."""

from __future__ import annotations

from typing import Any

from django.db.models import Field, Model


def concrete_field(model: type[Model], name: str) -> Field[Any, Any]:
    """``model``'s field ``name`` as stored in its table: a column, not a reverse relation.
    (``Field[Any, Any]``: fields of every kind come through here.)"""
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{model.__name__}.{name} is a relation, not a column of its table.")
    return field


def max_length(model: type[Model], name: str) -> int:
    """The longest text ``model``'s field ``name`` holds."""
    length = concrete_field(model, name).max_length
    if length is None:
        raise TypeError(f"{model.__name__}.{name} has no length limit.")
    return length


def column(model: type[Model], name: str) -> str:
    """The (unquoted) name of the column that holds ``model``'s field ``name``."""
    field = concrete_field(model, name)
    if field.column is None:
        raise TypeError(f"{model.__name__}.{name} has no column of its own.")
    return field.column
