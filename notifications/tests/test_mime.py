"""``ReminderMessage`` writes the bytes Django's ``EmailMultiAlternatives`` writes: the
subject's encoding in linear time changes how long it takes, not what it gives."""

import random
from email.header import Header

import pytest
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEText

from notifications.mime import ReminderMessage, encoded_subject, text_part

EN_DASH = "\u2013"
SUBJECTS = [
    f"Soon: your 1:1 with Ann Lee, 09:00{EN_DASH}09:30 on Mon 7 Dec",
    f"What would you like to talk about with Zoë Ångström-Łukasiewicz? "
    f"Office hours 14:00{EN_DASH}14:45 on Tue 8 Dec 2027",
    f"Soon: your mentoring check-in with {'Konstantinopoulou ' * 6}, 09:00{EN_DASH}09:30",
    f"Moved: your 1:1 with 李小龍 is now 10:00{EN_DASH}10:30 on Wed 9 Dec 😀",
    "How did your 1:1 with Ann Lee go? Record notes and actions",  # ASCII: Django's own
    "",
    EN_DASH,
    EN_DASH * 200,
    "=?utf-8?q?looks_encoded?= " + EN_DASH,
    "a" * 80 + EN_DASH + "_ =?" * 30,
]
ALPHABET = "abcdefghij ABC:,.?=_-()\"'/" + "\u2013éüß€😀\t" + "中文"


def random_subjects(count: int) -> list[str]:
    rnd = random.Random(19)
    found = []
    for _ in range(count):
        text = "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(1, 300)))
        found.append(text.replace(" ", "") if rnd.random() < 0.3 else text)
    return found


def test_the_subject_encodes_as_the_standard_library_encodes_it():
    """Both encodings Python chooses for UTF-8 (quoted-printable, and base64 where it is
    shorter), folded at every possible place."""
    compared = 0
    for subject in SUBJECTS + random_subjects(6000):
        encoded = encoded_subject(subject, "utf-8")
        if encoded is None:
            assert subject.isascii()
            continue
        assert encoded == Header(subject, "utf-8").encode(), subject
        compared += 1
    assert compared > 5000


def test_what_django_must_handle_is_left_to_it():
    assert encoded_subject("plain ASCII", "utf-8") is None
    assert encoded_subject(f"two{EN_DASH}\nlines", "utf-8") is None
    assert encoded_subject(f"latin{EN_DASH}", "iso-8859-1") is None


def message(cls: type[EmailMultiAlternatives], subject: str) -> bytes:
    email = cls(
        subject=subject,
        body=f"Hello Zoë,\n\n09:00{EN_DASH}09:30\n",
        to=["Zoë Ångström <zoe@example.org>"],
        headers={
            "Auto-Submitted": "auto-generated",
            "X-Oneonones-Reminder": "7",
            "Date": "Mon, 30 Nov 2026 17:00:00 -0000",
            "Message-ID": "<fixed@example.org>",
        },
    )
    email.attach_alternative(f"<p>09:00{EN_DASH}09:30</p>", "text/html")
    written = email.message()
    written.set_boundary("fixed-boundary")  # else a random one each time
    return written.as_bytes()


@pytest.mark.parametrize("subject", SUBJECTS)
def test_the_message_is_the_one_django_writes(subject):
    assert message(ReminderMessage, subject) == message(EmailMultiAlternatives, subject)


def test_a_subject_with_a_line_break_is_refused_as_django_refuses_it():
    from django.core.mail import BadHeaderError

    with pytest.raises(BadHeaderError):
        message(ReminderMessage, f"two{EN_DASH}\nlines")


TEXTS = [
    "",
    "plain ASCII\nlines\r\nand more",
    f"Hello Zoë,\n\n09:00{EN_DASH}09:30 😀\n",
    "x" * 998 + "\n" + "y",  # at the limit: still 8bit-or-7bit
    "x" * 999,  # over it: quoted-printable, Django's own
    "é" * 500,  # 1,000 bytes on one line
    "<p>中文</p>\n" * 300,
]


@pytest.mark.parametrize("subtype", ["plain", "html", "calendar"])
def test_a_text_part_is_the_one_django_makes(subtype):
    rnd = random.Random(7)
    texts = TEXTS + [
        "\n".join(
            "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 120))) for _ in range(5)
        )
        for _ in range(300)
    ]
    for text in texts:
        ours, django = text_part(text, subtype, "utf-8"), SafeMIMEText(text, subtype, "utf-8")
        assert vars(ours) == vars(django), text
        assert ours.as_bytes() == django.as_bytes()


def test_other_charsets_are_left_to_django():
    assert text_part("latin é", "plain", "iso-8859-1").as_bytes() == (
        SafeMIMEText("latin é", "plain", "iso-8859-1").as_bytes()
    )


def test_a_message_with_an_attachment_is_the_one_django_writes():
    def written(cls: type[EmailMultiAlternatives]) -> bytes:
        email = cls(
            subject="Invitation",
            body="ASCII body",
            to=["a@example.org"],
            headers={"Date": "Mon, 30 Nov 2026 17:00:00 -0000", "Message-ID": "<m@x>"},
        )
        email.attach_alternative(f"<p>{EN_DASH}</p>", "text/html")
        email.attach(
            "invite.ics", f"BEGIN:VCALENDAR{EN_DASH}\r\nEND:VCALENDAR\r\n", "text/calendar"
        )
        message = email.message()
        for number, part in enumerate(message.walk()):
            if part.is_multipart():
                part.set_boundary(f"b{number}")  # else a random one each time
        return message.as_bytes()

    assert written(ReminderMessage) == written(EmailMultiAlternatives)
