"""The statements of ``reports.sql`` take every table, column and stored value from the
models: renaming one in a model (and the database) cannot silently break a figure."""

import contextlib
import importlib
import re

import pytest
from django.apps import apps
from django.db import connection, models

import meetings.models
from meetings.models import Meeting, MeetingSeries
from oneonones.db import column, concrete_field
from people.models import Team, User
from reports import sql
from reports.models import HeldMeeting
from reports.tests import scenario

# The models whose tables the statements read.
READ_MODELS = (Meeting, MeetingSeries, User, Team, HeldMeeting)
# The fields whose stored values the statements compare with, and where their
# ``TextChoices`` live.
COMPARED = (
    (Meeting, "status", Meeting, "Status"),
    (Meeting, "cancel_reason", meetings.models, "CancelReason"),
    (MeetingSeries, "status", MeetingSeries, "Status"),
)


def every_statement() -> list[str]:
    statements = []
    for team in (False, True):
        for ranges in (1, 2):
            statements += [
                sql.managers(team=team, ranges=ranges),
                sql.report_rows(team=team, ranges=ranges),
                sql.dashboard(team=team, ranges=ranges),
                *(
                    sql.gaps(team=team, ranges=ranges, category=category, limit=limit)
                    for category in (False, True)
                    for limit in (False, True)
                ),
            ]
        statements.append(sql.trend_select(team=team))
        statements.append(sql.median_gaps(team=team))
    return statements


def test_no_statement_writes_a_table_name_or_a_stored_value_by_hand():
    stored = {
        str(value)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        for value, _ in field.flatchoices
    } - {""}
    tables = {model._meta.db_table for model in apps.get_models()}
    for statement in every_statement():
        # The dashboard's JSON keys are the names of the gap rows' own columns, not stored
        # values (some of which, e.g. PersonChange's "full_name", happen to be the same).
        literals = set(re.findall(r"'([^']*)'", statement)) - set(sql.GAP_COLUMNS)
        assert not literals & stored, "a stored value belongs in sql.VALUES"
        # Quoted, the table names the models gave; bare, one written by hand.
        bare = set(re.findall(r'(?<!["\w])(\w+)(?!["\w])', statement))
        assert not bare & tables, "a table name belongs to the model's _meta"


def _rename_values(patch: pytest.MonkeyPatch, cursor) -> None:
    """Every stored value of the fields the statements compare, in the database and in
    the models' ``TextChoices``: ``completed`` becomes ``COMPLETED``."""
    quote = connection.ops.quote_name
    for model, name, owner, choices_name in COMPARED:
        stored = quote(column(model, name))
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)}"  # noqa: S608 -- names from the models
            f" SET {stored} = upper({stored})"
        )
        members = getattr(owner, choices_name)
        # Enum's functional API with (value, label) pairs; the stubs know only plain names.
        renamed = models.TextChoices(  # type: ignore[call-overload]
            choices_name, [(each.name, (each.value.upper(), each.label)) for each in members]
        )
        patch.setattr(owner, choices_name, renamed)
        patch.setattr(concrete_field(model, name), "choices", renamed.choices)
    # The held meetings the database keeps are those whose status is the held value: the
    # triggers know it as the migration wrote it, so they are written again by the new one.
    cursor.execute("SELECT reports_rebuild_held_meetings(%s)", [Meeting.Status.COMPLETED.value])


def _rename_tables_and_columns(patch: pytest.MonkeyPatch, cursor) -> None:
    """Every table the statements read, and every column of it, in the database and in
    the models: ``people_user.full_name`` becomes ``"Renamed people_user"."Renamed
    full_name"``, a name PostgreSQL finds only when it is quoted."""
    quote = connection.ops.quote_name
    # ALTER TABLE refuses a table with deferred constraint checks pending.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for model in READ_MODELS:
        table = f"Renamed {model._meta.db_table}"
        cursor.execute(f"ALTER TABLE {quote(model._meta.db_table)} RENAME TO {quote(table)}")
        patch.setattr(model._meta, "db_table", table)
        for field in model._meta.concrete_fields:
            old = column(model, field.name)
            new = f"Renamed {old}"
            cursor.execute(f"ALTER TABLE {quote(table)} RENAME COLUMN {quote(old)} TO {quote(new)}")
            patch.setattr(field, "column", new)
    _forget_cached_columns()


def _forget_cached_columns() -> None:
    """The ORM caches a field's column with its table's name; it works it out again."""
    for model in READ_MODELS:
        for field in model._meta.concrete_fields:
            field.__dict__.pop("cached_col", None)


@contextlib.contextmanager
def renamed_everywhere():
    """Tables, columns and stored values renamed in the database (until the test's
    transaction rolls back) and in the models, and the statements built again."""
    try:
        with pytest.MonkeyPatch.context() as patch, connection.cursor() as cursor:
            _rename_values(patch, cursor)
            _rename_tables_and_columns(patch, cursor)
            importlib.reload(sql)
            yield
    finally:
        _forget_cached_columns()
        importlib.reload(sql)


def test_every_figure_follows_tables_columns_and_values_renamed_in_the_models(s):
    usual = scenario.everything(s)
    with renamed_everywhere():
        assert sql.VALUES["completed"] == "COMPLETED"
        assert '"Renamed meetings_meeting"' in sql.dashboard(team=True, ranges=2)
        assert scenario.everything(s) == usual
    assert sql.VALUES["completed"] == "completed"
