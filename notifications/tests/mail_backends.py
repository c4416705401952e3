"""Mail backends for tests of what the sweep does when sending goes wrong."""

import json
import os
import smtplib
import threading
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class BrokenBackend(BaseEmailBackend):
    """A mail server that hangs up on every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class OverlapBackend(LocmemBackend):
    """locmem, where the first message of each of two sweeps waits for the other's
    (``meet``, a barrier of two the test sets): both sweeps are then sending at the same
    time for certain, not by luck of timing. A sweep the other never meets fails its
    send (the barrier breaks), so the test cannot pass without the overlap."""

    meet: threading.Barrier | None = None
    _met = threading.local()

    def send_messages(self, email_messages):
        meet = OverlapBackend.meet
        if meet is not None and getattr(OverlapBackend._met, "barrier", None) is not meet:
            OverlapBackend._met.barrier = meet
            meet.wait(timeout=30)
        return super().send_messages(email_messages)


class FailAfterBackend(LocmemBackend):
    """Delivers ``FAIL_AFTER`` messages (class attribute), then the server goes away."""

    FAIL_AFTER = 3
    delivered = 0

    def send_messages(self, email_messages):
        if FailAfterBackend.delivered >= FailAfterBackend.FAIL_AFTER:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        FailAfterBackend.delivered += len(email_messages)
        return super().send_messages(email_messages)


class JournalBackend(BaseEmailBackend):
    """Appends each message to the file named by MAIL_JOURNAL (one JSON line, flushed to
    disk) and, when MAIL_CRASH_AFTER is set, kills the process without any clean-up
    as it is about to hand over the message after that many."""

    def send_messages(self, email_messages):
        path = Path(os.environ["MAIL_JOURNAL"])
        crash_after = int(os.environ.get("MAIL_CRASH_AFTER", "0"))
        for message in email_messages:
            if crash_after:
                done = len(path.read_text().splitlines()) if path.exists() else 0
                if done >= crash_after:
                    os._exit(9)
            with path.open("a") as journal:
                journal.write(
                    json.dumps(
                        {
                            "to": message.to,
                            "reminder": message.extra_headers.get("X-Oneonones-Reminder"),
                            "subject": message.subject,
                        }
                    )
                    + "\n"
                )
                journal.flush()
                os.fsync(journal.fileno())
        return len(email_messages)
