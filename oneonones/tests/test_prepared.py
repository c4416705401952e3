"""``execute_prepared``: a statement is parsed and planned once per connection, gives
what the same text run plainly gives, and recovers when a run fails or the connection
loses its statements."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from oneonones.db import _statement, execute_prepared

SQL = "SELECT %(number)s + 1, %(text)s || 'b', %(number)s * 2, 100 %% 7"


def run(sql=SQL, **params):
    with connection.cursor() as cursor:
        execute_prepared(cursor, sql, params or {"number": 20, "text": "a"})
        return cursor.fetchone()


def prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def test_it_gives_what_the_plain_statement_gives(db):
    with connection.cursor() as cursor:
        cursor.execute(SQL, {"number": 20, "text": "a"})
        plain = cursor.fetchone()
    assert run() == plain == (21, "ab", 40, 2)
    assert run(number=1, text="x") == (2, "xb", 2, 2)


def test_it_prepares_once_per_connection_in_the_same_round_trip(db):
    with CaptureQueriesContext(connection) as captured:
        for number in range(3):
            assert run(number=number, text="a")[0] == number + 1
    statements = [query["sql"] for query in captured.captured_queries]
    # Prepared with its first run, or earlier on this connection by another test.
    assert sum("PREPARE" in sql for sql in statements) <= 1
    assert all("EXECUTE read_" in sql for sql in statements)
    assert len(statements) == 3
    with CaptureQueriesContext(connection) as captured:
        run()
    assert ["PREPARE" in query["sql"] for query in captured.captured_queries] == [False]


def test_a_connection_that_lost_its_statements_prepares_them_again(db):
    run()
    with connection.cursor() as cursor:
        # Only this one: the others prepared on the same connection by other tests (the
        # sweep's claim, the pages' reads) are left as they are.
        cursor.execute(f"DEALLOCATE {_statement(SQL).name}")
    with pytest.raises(DatabaseError), transaction.atomic():
        run()
    assert run() == (21, "ab", 40, 2)


def test_a_failed_first_run_leaves_it_usable(db):
    dividing = "SELECT 10 / %(by)s::int"
    with pytest.raises(DatabaseError), transaction.atomic():
        run(dividing, by=0)  # prepared, then the run fails
    assert run(dividing, by=2) == (5,)
    with pytest.raises(DatabaseError), transaction.atomic():
        run("SELECT %(unknown)s IS NULL", unknown=None)  # no type: not prepared
    assert run(dividing, by=5) == (2,)
    assert len([name for name in prepared_names() if name.startswith("read_")]) >= 2


def test_a_statement_without_parameters(db):
    with connection.cursor() as cursor:
        execute_prepared(cursor, "SELECT 100 %% 7", {})
        assert cursor.fetchone() == (2,)
        execute_prepared(cursor, "SELECT 100 %% 7", {})
        assert cursor.fetchone() == (2,)


def test_positional_parameters_as_cursor_execute_takes_them(db):
    with connection.cursor() as cursor:
        for _ in range(2):
            execute_prepared(cursor, "SELECT %s::int * 2, '100%%' || %s::text", [21, "!"])
            assert cursor.fetchone() == (42, "100%!")
        with pytest.raises(ValueError):
            execute_prepared(cursor, "SELECT %s::int + %(b)s::int", [1])
        with pytest.raises(ValueError):
            execute_prepared(cursor, "SELECT %s::int", [1, 2])
