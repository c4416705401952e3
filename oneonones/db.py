"""Reading a model's own description, for the few places that write SQL or check input
against the database's limits themselves; inserting many rows at once; and reading
several things a page shows in one statement (``read_together``)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import operator
import re
import uuid
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from psycopg2.extras import Json, Range

T = TypeVar("T")
M = TypeVar("M", bound=Model)


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


# Fields whose value on the instance is what the database gets (``get_db_prep_save``
# would only check it): written as they are, which is most of ``insert_rows``' time saved.
TEXT_FIELDS = {"CharField", "TextField"}
NUMBER_FIELDS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
}
TIME_FIELDS = {"DateField", "DateTimeField"}


def _writer(field: Field[Any, Any], connection: Any) -> Callable[[Model], str]:
    """How ``insert_rows`` writes ``field`` of an instance in COPY's text format."""
    stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    if stamped:
        return lambda obj: _copy_text(field.pre_save(obj, True))
    read = operator.attrgetter(field.attname)
    write = _value_writer(field, connection)
    return lambda obj: write(read(obj))


def _value_writer(field: Field[Any, Any], connection: Any) -> Callable[[Any], str]:
    """How a value of ``field`` (as an instance holds it) is written in COPY's text format."""
    kind = field.get_internal_type()
    if kind in TEXT_FIELDS and not field.null:
        return lambda value: value.translate(COPY_ESCAPES)
    if kind in NUMBER_FIELDS:
        return lambda value: "\\N" if value is None else str(int(value))
    if kind in TIME_FIELDS or kind in TEXT_FIELDS or kind == "BooleanField":
        return _copy_text
    if kind == "JSONField":  # what the field's adapter would write, without the adapter
        encoder = getattr(field, "encoder", None)
        return lambda value: (
            _copy_text(field.get_db_prep_save(value, connection))
            if value is None
            else json.dumps(value, cls=encoder).translate(COPY_ESCAPES)
        )
    return lambda value: _copy_text(field.get_db_prep_save(value, connection))


def _copy_text(value: Any) -> str:
    """``value``, as a field's ``get_db_prep_save`` gives it, in COPY's text format."""
    if isinstance(value, str):
        return value.translate(COPY_ESCAPES)
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Json):
        value = value.dumps(value.adapted)
    elif isinstance(value, Range):
        if value.isempty:
            return "empty"
        lower = "" if value.lower is None else f'"{value.lower.isoformat()}"'
        upper = "" if value.upper is None else f'"{value.upper.isoformat()}"'
        value = f"{'[' if value.lower_inc else '('}{lower},{upper}{']' if value.upper_inc else ')'}"
    elif isinstance(value, uuid.UUID):
        value = str(value)
    if not isinstance(value, str):
        raise TypeError(f"insert_rows cannot write a {type(value).__name__}")
    return value.translate(COPY_ESCAPES)


COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def insert_rows(objects: Sequence[Model], *, with_ids: bool = False, on_conflict: str = "") -> None:
    """Insert unsaved ``objects`` of one model with one ``COPY``, as a bulk load does: no
    model machinery per row beyond each field's own conversion (``pre_save``, as
    ``save`` and ``bulk_create`` do, then ``get_db_prep_save``), no SQL to parse per
    row. No signals are sent; constraints and triggers apply as to any insert.

    ``with_ids``: the primary keys are taken from the table's sequence first (one more
    statement) and set on the objects, in their order. ``on_conflict``: a clause such as
    ``ON CONFLICT (a, b) DO NOTHING``, written by the caller; the rows are then copied
    into a temporary table first and inserted from it with that clause.
    """
    if not objects:
        return
    connection = connections[DEFAULT_DB_ALIAS]  # not the proxy: it is read for every value
    model = type(objects[0])
    pk = model._meta.pk
    assert pk is not None
    fields = [field for field in model._meta.concrete_fields if with_ids or not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column(model, field.name)) for field in fields)
    # A transaction of its own when there is none, for the temporary table's sake.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if with_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk.column, len(objects)],
            )
            for obj, (value,) in zip(objects, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, value)
        writers = [_writer(field, connection) for field in fields]
        text = io.StringIO()
        for obj in objects:
            text.write("\t".join([write(obj) for write in writers]))
            text.write("\n")
        _copy(cursor, model, columns, text, on_conflict)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_values(
    model: type[Model],
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    on_conflict: str = "",
) -> None:
    """Insert rows of ``model`` given as tuples of the values of its fields ``names``
    (attribute names: ``recipient_id``), with one ``COPY``, as ``insert_rows`` does but
    without an instance per row. Every other field takes its default, worked out once
    for all the rows (``auto_now`` and ``auto_now_add`` fields: now); the primary key
    comes from the table's sequence. ``on_conflict``: as for ``insert_rows``."""
    connection = connections[DEFAULT_DB_ALIAS]
    by_name = {field.attname: field for field in model._meta.concrete_fields}
    named = [by_name[name] for name in names]
    others = [
        field
        for field in model._meta.concrete_fields
        if field.attname not in names and not field.primary_key
    ]
    now = timezone.now()
    same = "".join(
        "\t"
        + _copy_text(
            field.get_db_prep_save(
                now
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
                else field.get_default(),
                connection,
            )
        )
        for field in others
    )
    writers = [_value_writer(field, connection) for field in named]
    text = io.StringIO()
    for row in rows:
        text.write("\t".join([write(value) for write, value in zip(writers, row, strict=True)]))
        text.write(same)
        text.write("\n")
    if not text.tell():
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column(model, field.name)) for field in [*named, *others])
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        _copy(cursor, model, columns, text, on_conflict)


def _copy(
    cursor: Any, model: type[Model], columns: str, text: io.StringIO, on_conflict: str
) -> None:
    """Load ``text`` (COPY's text format) into ``model``'s ``columns``, through a
    temporary table when there is an ``on_conflict`` clause."""
    quote = cursor.db.ops.quote_name
    table = quote(model._meta.db_table)
    text.seek(0)
    target = table
    if on_conflict:
        target = quote(f"{model._meta.db_table}_incoming")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {target} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
    cursor.copy_expert(f"COPY {target} ({columns}) FROM STDIN", text)
    if on_conflict:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {target} "  # noqa: S608
            f"{on_conflict}"
        )
        cursor.execute(f"DROP TABLE {target}")


# --- Reading several things in one statement ------------------------------------------------


@dataclass(frozen=True)
class Read(Generic[T]):
    """One thing a page shows, read as one ``jsonb`` value: ``sql`` is a query of one
    row and one column (a scalar subquery), ``params`` its named parameters (each read
    names its own, prefixed by what it reads, so that reads can be put together), and
    ``decode`` makes the decoded JSON into what the selector that wrote it returns.

    A selector that returns a ``Read`` keeps its rule where it is (the app that owns the
    rows); ``read_together`` only saves the round trips: on a busy server each statement
    waits for its turn on the database's CPU, and a page's time follows its number of
    statements more than anything else."""

    sql: str
    params: dict[str, Any]
    decode: Callable[[Any], T]


def read_together(reads: dict[str, Read[Any]]) -> dict[str, Any]:
    """Every read of ``reads`` in one statement, each decoded: ``{name: value}``. Numbers
    with a fraction come as ``Decimal`` (what ``DecimalField`` reads)."""
    params: dict[str, Any] = {}
    for name, read in reads.items():
        if params.keys() & read.params.keys():
            raise ValueError(f"The parameters of {name!r} clash with another read's.")
        params.update(read.params)
    sql = "SELECT " + ", ".join(f"({read.sql})" for read in reads.values())
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        execute_prepared(cursor, sql, params)
        row = cursor.fetchone()
    # Django has psycopg2 hand jsonb over as text (JSONField decodes its own).
    return {
        name: read.decode(None if value is None else json.loads(value, parse_float=Decimal))
        for (name, read), value in zip(reads.items(), row, strict=True)
    }


# How ``to_jsonb`` writes a column that is not a JSON number, string or boolean as the
# field holds it.
_JSON_PARSERS: dict[str, Callable[[Any], Any]] = {
    "DateTimeField": parse_datetime,
    "DateField": parse_date,
    "TimeField": parse_time,
    "DecimalField": lambda value: value if isinstance(value, Decimal) else Decimal(value),
    "FloatField": float,
}
_NOT_READ_FROM_JSON = ("JSONField", "UUIDField", "DurationField", "BinaryField")


def _json_reader(field: Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a column's value as ``to_jsonb`` wrote it becomes what the field reads from
    psycopg2; None when it is that already (numbers, text, booleans, keys)."""
    kind = field.get_internal_type()
    parse = _JSON_PARSERS.get(kind)
    # A field of our own or a library's (the series' cadence) converts what it read.
    from_db_value = getattr(field, "from_db_value", None)
    if kind in _NOT_READ_FROM_JSON:

        def parse(value: Any) -> Any:
            raise TypeError(f"instances_from_json does not read a {kind} ({field.name}).")

    if parse is None and from_db_value is None:
        return None

    def read(value: Any) -> Any:
        if value is not None and parse is not None:
            value = parse(value)
        if from_db_value is not None:
            value = from_db_value(value, None, connections[DEFAULT_DB_ALIAS])
        return value

    return read


@functools.cache
def _json_readers(model: type[Model]) -> tuple[list[str], list[Callable[[Any], Any] | None]]:
    """``model``'s columns (attribute names) and each one's ``_json_reader``, worked out
    once: a page reads a few dozen rows this way, and asking every field its type and
    converter for every row cost more than making the instances."""
    fields = model._meta.concrete_fields
    return [field.attname for field in fields], [_json_reader(field) for field in fields]


def instances_from_json(
    model: type[M],
    rows: list[dict[str, Any]],
    *,
    datetimes: tuple[str, ...] = (),
    texts: tuple[str, ...] = (),
) -> list[M]:
    """Instances of ``model`` as if read from the database, from rows written by
    PostgreSQL's ``to_jsonb(row)`` (every column by name); ``datetimes`` and ``texts``
    name extra keys of each row to set on its instance (moments, and plain values)."""
    names, readers = _json_readers(model)
    columns = list(zip(names, readers, strict=True))
    instances = []
    for row in rows:
        instance = model.from_db(
            DEFAULT_DB_ALIAS,
            names,
            [row[name] if read is None else read(row[name]) for name, read in columns],
        )
        for name in datetimes:
            setattr(instance, name, parse_datetime(row[name]) if row[name] else None)
        for name in texts:
            setattr(instance, name, row[name])
        instances.append(instance)
    return instances


def table(model: type[Model]) -> str:
    """``model``'s table, quoted, for SQL written by hand (only our models' names)."""
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(model._meta.db_table)


# --- Statements planned once per connection ---------------------------------------------------


@dataclass(frozen=True)
class _Statement:
    name: str
    text: str  # for PREPARE: the parameters numbered ($1, $2, ...), ``%%`` kept for psycopg2
    names: tuple[str, ...] | None  # named parameters in their numbers' order; None: ``%s``s
    count: int  # how many numbers


# ``%%`` first, so that a literal percent sign before an ``s`` is not read as ``%s``.
_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)s|%s")


@functools.cache
def _statement(sql: str) -> _Statement:
    names: list[str] = []
    positional = 0

    def number(match: re.Match[str]) -> str:
        nonlocal positional
        if match[0] == "%%":
            return "%%"
        if match[1] is None:
            positional += 1
            return f"${positional}"
        if match[1] not in names:
            names.append(match[1])
        return f"${names.index(match[1]) + 1}"

    text = _PLACEHOLDER.sub(number, sql)
    if names and positional:
        raise ValueError("execute_prepared: named and positional parameters in one statement")
    name = "read_" + hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()
    if positional:
        return _Statement(name=name, text=text, names=None, count=positional)
    return _Statement(name=name, text=text, names=tuple(names), count=len(names))


# The statements prepared on each open connection (the DB-API connection: Django opens a
# new one after ``CONN_MAX_AGE`` or an error); None while unknown, after a failure.
_PREPARED_ON: weakref.WeakKeyDictionary[Any, set[str] | None] = weakref.WeakKeyDictionary()


def execute_prepared(cursor: Any, sql: str, params: Mapping[str, Any] | Sequence[Any]) -> None:
    """Run ``sql`` (parameters ``%(name)s`` with a mapping, or ``%s`` with a sequence, as
    ``cursor.execute`` takes them) as a statement prepared on the
    cursor's connection: PREPAREd with its first run (in the same round trip) and only
    EXECUTEd after that, so PostgreSQL parses and plans it once per connection rather
    than once per run (after five runs it keeps one plan for any parameters: the
    statements this is for find a few rows by key, which one plan does as well). A
    page's statement that reads several lists through joins cost the server more to plan
    than to run.

    ``sql`` must be a fixed text (its values in ``params``): each different text is
    prepared once on each connection and kept as long as the connection. Every
    parameter's type must follow from where it stands (``column = %(x)s``; cast it
    otherwise). As with the sweep's claim, this needs the connection to itself, not one a
    transaction-mode pooler hands out per transaction."""
    statement = _statement(sql)
    raw = cursor.db.connection
    prepared = _PREPARED_ON.get(raw, set())
    if prepared is None:  # a statement failed here: ask what did get prepared
        cursor.execute("SELECT name FROM pg_prepared_statements")
        prepared = {name for (name,) in cursor.fetchall()}
    _PREPARED_ON[raw] = prepared
    if isinstance(params, Mapping):
        values = [params[name] for name in statement.names or ()]
    else:
        values = list(params)
    if len(values) != statement.count:
        raise ValueError(f"execute_prepared: {statement.count} parameters, given {len(values)}")
    arguments = f"({', '.join(['%s'] * len(values))})" if values else ""
    run = f"EXECUTE {statement.name}{arguments}"
    if statement.name not in prepared:
        run = f"PREPARE {statement.name} AS {statement.text};\n{run}"
    try:
        cursor.execute(run, values)
    except Exception:
        # A PREPARE stays even when the EXECUTE after it fails (or its transaction is
        # rolled back), and a connection may have lost its statements (DEALLOCATE): what
        # is prepared here is asked again next time.
        _PREPARED_ON[raw] = None
        raise
    prepared.add(statement.name)
