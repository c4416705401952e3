import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from people.models import PersonChange, Team, User
from people.tests.factories import UserFactory


def write(tmp_path, text):
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """email,full_name,manager_email,team,job_title,time_zone,start_date,is_hr
ceo@acme.test,Casey Chief,,,Chief Executive,Europe/London,2019-01-07,no
lee@acme.test,Lee Lead,ceo@acme.test,Platform,Engineering Lead,Europe/Berlin,2021-03-01,
ann@acme.test,Ann Analyst,lee@acme.test,Platform,Analyst,,2026-11-02,
hal@acme.test,Hal HR,ceo@acme.test,People,HR Partner,,,yes
"""


def test_it_creates_people_teams_and_reporting_lines(db, tmp_path):
    call_command("import_people", write(tmp_path, GOOD))
    ann = User.objects.get(email="ann@acme.test")
    assert ann.manager.email == "lee@acme.test"
    assert ann.manager.manager.email == "ceo@acme.test"
    assert ann.team.name == "Platform"
    assert str(ann.start_date) == "2026-11-02"
    assert not ann.has_usable_password()
    assert User.objects.get(email="hal@acme.test").is_hr
    assert User.objects.get(email="lee@acme.test").time_zone == "Europe/Berlin"
    assert set(Team.objects.values_list("name", flat=True)) == {"Platform", "People"}


def test_it_accepts_a_manager_listed_after_their_report(db, tmp_path):
    text = "email,full_name,manager_email\nr@acme.test,Rae,m@acme.test\nm@acme.test,Max,\n"
    call_command("import_people", write(tmp_path, text))
    assert User.objects.get(email="r@acme.test").manager.email == "m@acme.test"


def test_it_updates_existing_people_and_keeps_their_password(db, tmp_path):
    existing = UserFactory(email="ann@acme.test", full_name="Ann Old")
    call_command("import_people", write(tmp_path, GOOD))
    existing.refresh_from_db()
    assert existing.full_name == "Ann Analyst"
    assert existing.has_usable_password()
    assert User.objects.filter(email__iexact="ann@acme.test").count() == 1


def test_it_running_twice_changes_nothing_more(db, tmp_path):
    path = write(tmp_path, GOOD)
    call_command("import_people", path)
    call_command("import_people", path)
    assert User.objects.count() == 4
    assert Team.objects.count() == 2


def test_it_leaves_managers_alone_without_a_manager_column(db, tmp_path):
    boss = UserFactory()
    person = UserFactory(email="p@acme.test", manager=boss)
    call_command("import_people", write(tmp_path, "email,full_name\np@acme.test,Pat New\n"))
    person.refresh_from_db()
    assert person.manager == boss
    assert person.full_name == "Pat New"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("bad-email,Bob,,,,,,", "line 3: “bad-email” is not an email address"),
        (
            "bob@acme.test,Bob,,,,Mars/Base,,",
            "line 3: time_zone “Mars/Base” is not a known IANA time zone",
        ),
        ("bob@acme.test,Bob,,,,,31/12/2026,", "line 3: start_date “31/12/2026” is not a date"),
        (
            "bob@acme.test,Bob,,,,,9999-12-31,",
            "line 3: start_date 9999-12-31: Pick a start date from 1 January 1900 to ",
        ),
        (
            "bob@acme.test,Bob,nobody@acme.test,,,,,",
            "line 3: manager nobody@acme.test is neither in the file",
        ),
        ("bob@acme.test,,,,,,,", "line 3: full_name is empty"),
        ("bob@acme.test,Bo\x00b,,,,,,", "line 3: full_name contains a NUL byte"),
        ("bob@acme.test," + "B" * 201 + ",,,,,,", "line 3: full_name is longer than 200"),
        ("bob@acme.test,Bob,,Tea\x00m,,,,", "line 3: team contains a NUL byte"),
        ("bob@acme.test,Bob,bob@acme.test,,,,,", "line 3: someone cannot be their own manager"),
        ("bob@acme.test,Bob,,,,,,maybe", "line 3: is_hr “maybe” should be yes or no"),
        ("ok@acme.test,Second,,,,,,", "line 3: ok@acme.test appears again (first on line 2)"),
    ],
)
def test_it_reports_a_bad_row_by_line_and_writes_nothing(db, tmp_path, row, reason):
    text = (
        "email,full_name,manager_email,team,job_title,time_zone,start_date,is_hr\n"
        "ok@acme.test,Okay Person,,Newteam,,,,\n" + row + "\n"
    )
    with pytest.raises(CommandError) as raised:
        call_command("import_people", write(tmp_path, text))
    assert reason in str(raised.value)
    assert "Nothing was imported" in str(raised.value)
    assert not User.objects.exists()
    assert not Team.objects.exists()


def test_it_refuses_a_loop_in_reporting_lines(db, tmp_path):
    text = "email,full_name,manager_email\na@acme.test,A,b@acme.test\nb@acme.test,B,a@acme.test\n"
    with pytest.raises(CommandError, match="reporting lines would loop"):
        call_command("import_people", write(tmp_path, text))
    assert not User.objects.exists()


def test_it_refuses_unknown_columns(db, tmp_path):
    with pytest.raises(CommandError, match="unknown column"):
        call_command("import_people", write(tmp_path, "email,full_name,salary\na@acme.test,A,1\n"))


def test_it_explains_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_people", tmp_path / "nope.csv")


@pytest.mark.parametrize("column", ["password", "is_staff", "is_superuser", "is_active"])
def test_it_sets_no_password_and_no_access(db, tmp_path, column):
    with pytest.raises(CommandError, match="unknown column"):
        call_command(
            "import_people", write(tmp_path, f"email,full_name,{column}\na@acme.test,A,x\n")
        )
    assert not User.objects.exists()


def test_it_records_and_tells_what_it_changed_about_people_already_here(
    db, tmp_path, django_capture_on_commit_callbacks
):
    UserFactory(email="ceo@acme.test", full_name="Casey Chief")
    ann = UserFactory(email="ann@acme.test", full_name="Ann Analyst", job_title="Analyst")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_people", write(tmp_path, GOOD))
    changes = {
        (change.field, change.old_value, change.new_value)
        for change in PersonChange.objects.filter(person=ann)
    }
    assert changes == {
        ("manager", "", "Lee Lead (lee@acme.test)"),
        ("team", "", "Platform"),
        ("start_date", "", "2026-11-02"),
    }
    assert set(PersonChange.objects.values_list("via", "changed_by")) == {("import", None)}
    # Only the two who were here before hear about it; the new people got nothing.
    assert set(PersonChange.objects.values_list("person__email", flat=True)) == {
        "ann@acme.test",
        "ceo@acme.test",
    }
    assert sorted(message.to[0] for message in mail.outbox) == [
        "Ann Analyst <ann@acme.test>",
        "Casey Chief <ceo@acme.test>",
    ]
    ann_mail = next(message for message in mail.outbox if "ann@" in message.to[0])
    assert "An administrator (CSV import) changed your oneonones account" in ann_mail.body
    assert "- Manager: (none) → Lee Lead (lee@acme.test)" in ann_mail.body

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_people", write(tmp_path, GOOD))
    assert PersonChange.objects.count() == 5 and len(mail.outbox) == 2  # nothing new
