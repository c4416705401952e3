"""Download my data: a zip of one's own data, for the person themself only."""

import csv
import io
import json
import zipfile

import pytest
import redis
import time_machine
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse

from privacy.exports import KINDS
from privacy.tests import conftest as planted

URL = reverse("privacy:download")


def download(client, person) -> zipfile.ZipFile:
    client.force_login(person)
    response = client.post(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="oneonones-my-data-')
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def everything_text(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(name).decode() for name in archive.namelist())


def test_it_holds_a_json_file_and_a_csv_file_per_kind(client, employee, world):
    archive = download(client, employee)
    names = set(archive.namelist())
    assert names == {"README.txt", "everything.json", *(f"{name}.csv" for name, _ in KINDS)}
    data = json.loads(archive.read("everything.json"))
    assert set(data) == {name for name, _ in KINDS}
    assert data["profile"][0]["email"] == "emma@example.org"
    assert [row["text"] for row in data["agenda_items"]] == [planted.EMMA_AGENDA]
    assert [row["text"] for row in data["private_notes"]] == [planted.EMMA_PRIVATE]
    assert [row["text"] for row in data["shared_notes"]] == [planted.SHARED_NOTE]
    assert [row["description"] for row in data["actions"]] == [planted.ACTION]
    assert [row["description"] for row in data["objectives"]] == [planted.OBJECTIVE_DESCRIPTION]
    assert [row["title"] for row in data["key_results"]] == [planted.KEY_RESULT]
    assert [row["note"] for row in data["objective_history"]] == [planted.HISTORY_NOTE]
    assert {row["text"] for row in data["objective_comments"]} == {
        planted.COMMENT_EMMA,
        planted.COMMENT_MORGAN,
    }
    assert [row["note"] for row in data["checkins"]] == [planted.CHECKIN_NOTE]
    assert [row["how_could_1_1s_help_more"] for row in data["feedback"]] == [planted.FEEDBACK]
    assert [row["text"] for row in data["wellbeing_notes_shared_with_you"]] == [
        planted.WELLBEING_NOTE
    ]
    assert len(data["meetings"]) == 3
    assert {row["with"] for row in data["meetings"]} == {"Morgan Manager"}
    meetings = list(csv.DictReader(io.StringIO(archive.read("meetings.csv").decode())))
    assert len(meetings) == 3
    assert meetings[0]["starts_at"].endswith("+00:00")


def test_the_other_persons_private_note_is_never_in_it(client, employee, world):
    text = everything_text(download(client, employee))
    assert planted.MORGAN_PRIVATE not in text
    # Morgan's agenda item is on the shared record, but it is not Emma's to take away.
    assert planted.MORGAN_AGENDA not in text


def test_the_manager_takes_their_own_and_not_the_reports_private_words(client, manager, world):
    text = everything_text(download(client, manager))
    assert planted.MORGAN_PRIVATE in text
    assert planted.MORGAN_AGENDA in text
    for words in (planted.EMMA_PRIVATE, planted.EMMA_AGENDA, planted.CHECKIN_NOTE):
        assert words not in text
    assert planted.FEEDBACK not in text  # the report's feedback, not the manager's


@pytest.mark.parametrize("role", ["grand_manager", "other_manager", "hr", "admin_user"])
def test_others_download_only_their_own_data(client, world, role, request):
    person = request.getfixturevalue(role)
    archive = download(client, person)
    text = everything_text(archive)
    for words in (*planted.EMMAS_WORDS, planted.SHARED_NOTE, planted.MORGAN_PRIVATE):
        assert words not in text
    assert json.loads(archive.read("everything.json"))["profile"][0]["email"] == person.email


def test_anonymous_is_sent_to_sign_in(client, world):
    for response in (client.get(URL), client.post(URL)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_page_explains_and_offers_the_button(client, employee):
    client.force_login(employee)
    response = client.get(URL)
    assert response.status_code == 200
    assert b"Download my data" in response.content
    assert b"checkins.csv" in response.content


def test_once_a_minute(client, employee, world):
    download(client, employee)
    response = client.post(URL, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "less than a minute ago" in response.content.decode()


def test_the_minute_is_counted_in_redis_for_every_web_process(client, employee, world, settings):
    """Another web process or node (its own connection to Redis) sees the download and
    refuses the next one; the count lasts the minute."""
    download(client, employee)
    conf = settings.CACHES["limits"]
    key = f"{conf['KEY_PREFIX']}:1:privacy:download:{employee.pk}"  # Django's key function
    assert 0 < redis.Redis.from_url(conf["LOCATION"]).ttl(key) <= 60
    other_node = RedisCache(conf["LOCATION"], {"KEY_PREFIX": conf["KEY_PREFIX"]})
    assert other_node.get(f"privacy:download:{employee.pk}") == 1
    other_node.delete(f"privacy:download:{employee.pk}")
    # ... and a download counted by another process holds this one back.
    other_node.add(f"privacy:download:{employee.pk}", 1, 60)
    response = client.post(URL, follow=True)
    assert "less than a minute ago" in response.content.decode()


def test_without_redis_the_download_still_goes_ahead(client, employee, world, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "limits": {**settings.CACHES["limits"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    client.force_login(employee)
    response = client.post(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "Download limit not counted" in caplog.text


def test_no_one_can_keep_a_copy_on_the_way(client, employee, world):
    client.force_login(employee)
    response = client.post(URL)
    assert "no-store" in response["Cache-Control"]


def test_a_formula_is_written_as_text(client, employee, world):
    world.held.agenda_items.filter(author=employee).update(text="=HYPERLINK(1)")
    archive = download(client, employee)
    rows = list(csv.DictReader(io.StringIO(archive.read("agenda_items.csv").decode())))
    assert rows[0]["text"] == "'=HYPERLINK(1)"


def test_queries_do_not_grow_with_the_data(client, employee, world, django_assert_max_num_queries):
    client.force_login(employee)
    with django_assert_max_num_queries(30):
        response = client.post(URL)
        b"".join(response.streaming_content)


EMMAS_TOPIC = "TOPIC-EMMA-my-promotion"
TOPIC_FOR_EMMA = "TOPIC-RITA-for-emma"
TOPIC_OF_OTHERS = "TOPIC-OTTO-not-emmas"


@pytest.fixture
def office_hours_and_mentoring(employee, manager, other_manager, outsider):
    """Emma signs up to Morgan's office hours and hosts her own, which Rita signs up to;
    Otto signs up to Morgan's too; Oscar mentors Emma."""
    from mentoring.tests.factories import MentorshipFactory
    from officehours import services
    from officehours.tests.conftest import THURSDAY, at, publish

    rita = other_manager.reports.get()
    with time_machine.travel(THURSDAY, tick=False):
        morgans = publish(manager, audience="anyone")
        emmas = publish(employee, audience="anyone", title="Ask me about the API")
        services.sign_up(hours=morgans, person=employee, starts_at=at(7, 14), topic=EMMAS_TOPIC)
        services.sign_up(hours=emmas, person=rita, starts_at=at(14, 15), topic=TOPIC_FOR_EMMA)
        services.sign_up(hours=morgans, person=outsider, starts_at=at(7, 15), topic=TOPIC_OF_OTHERS)
        MentorshipFactory(mentor=other_manager, mentee=employee)
    return rita


def test_office_hours_and_mentoring_are_in_it_with_only_ones_own_topics(
    client, employee, world, office_hours_and_mentoring
):
    archive = download(client, employee)
    data = json.loads(archive.read("everything.json"))
    [hours] = data["office_hours"]
    assert (hours["title"], hours["days"], hours["for"]) == (
        "Ask me about the API",
        "Thursdays",
        "Anyone in the organisation",
    )
    sign_ups = {row["you_are"]: row for row in data["office_hours_sign_ups"]}
    assert set(sign_ups) == {"signed up", "host"}
    assert (sign_ups["signed up"]["host"], sign_ups["signed up"]["your_topic"]) == (
        "Morgan Manager",
        EMMAS_TOPIC,
    )
    assert (sign_ups["host"]["signed_up"], sign_ups["host"]["your_topic"]) == ("Rita Report", "")
    assert sign_ups["host"]["status"] == "Scheduled"
    [mentorship] = data["mentorships"]
    assert (mentorship["you_are"], mentorship["mentor"], mentorship["status"]) == (
        "mentee",
        "Oscar Other",
        "Active",
    )
    text = everything_text(archive)
    # Rita's topic for Emma's office hours is Rita's words; Otto's is nothing of Emma's.
    assert TOPIC_FOR_EMMA not in text
    assert TOPIC_OF_OTHERS not in text
    rows = list(csv.DictReader(io.StringIO(archive.read("office_hours_sign_ups.csv").decode())))
    assert {row["your_topic"] for row in rows} == {EMMAS_TOPIC, ""}


def test_the_other_side_takes_its_own_topic_and_not_emmas(
    client, manager, world, office_hours_and_mentoring
):
    text = everything_text(download(client, office_hours_and_mentoring))  # Rita
    assert TOPIC_FOR_EMMA in text
    assert EMMAS_TOPIC not in text
    text = everything_text(download(client, manager))  # Morgan hosts Emma's and Otto's
    for topic in (EMMAS_TOPIC, TOPIC_OF_OTHERS, TOPIC_FOR_EMMA):
        assert topic not in text
    assert "Otto Outsider" in text and "Emma Employee" in text  # who signed up, when


def test_queries_do_not_grow_with_office_hours_and_mentoring(
    client, employee, world, office_hours_and_mentoring, django_assert_max_num_queries
):
    client.force_login(employee)
    with django_assert_max_num_queries(30):
        response = client.post(URL)
        b"".join(response.streaming_content)
