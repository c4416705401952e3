"""``ReminderMessage`` writes the bytes Django's ``EmailMultiAlternatives`` writes: the
subject's encoding in linear time changes how long it takes, not what it gives."""

import random
from email.header import Header

import pytest
from django.core.mail import EmailMultiAlternatives

from notifications.mime import ReminderMessage, encoded_subject

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
