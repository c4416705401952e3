"""The sweep's email message: Django's, with the subject's RFC 2047 encoding done in
linear time.

A subject that is not ASCII (the en dash of every time span) becomes encoded words
folded into lines. The standard library fits them into lines by encoding every prefix
of the subject again (``Charset.header_encode_lines``: quadratic in its length), about
a tenth of the sweep's CPU per reminder. ``encoded_subject`` gives the same string
by counting each character's encoded length once: both encodings Python can choose
for UTF-8 have a length that grows by the character (quoted-printable: the sum of
each byte's; base64: from the number of bytes). What ``ReminderMessage`` puts in the
header is the string Django would have put there (``tests/test_mime.py`` compares
them on every email template and on random subjects); an ASCII subject, or one
Django would refuse, goes through Django's own code.
"""

from collections.abc import Iterator
from email import base64mime, quoprimime
from email.charset import RFC2047_CHROME_LEN, Charset
from email.header import Header
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

# Each byte's length in an encoded word's quoted-printable ("=E2", "_" or "a").
_QP_LENGTH = [quoprimime.header_length(bytes([octet])) for octet in range(256)]


class _LinearCharset(Charset):
    """``Charset`` whose ``header_encode_lines`` counts lengths as it goes (UTF-8 only:
    every byte of a character beyond ASCII is then 0x80 or above, "=XX" when quoted)."""

    def header_encode_lines(self, string: str, maxlengths: Iterator[int]) -> list[str | None]:
        codec = self.output_codec or "us-ascii"
        charset = self.get_output_charset()
        encoder_module = self._get_encoder(string.encode(codec))  # type: ignore[attr-defined]
        if codec != "utf-8" or charset != "utf-8" or encoder_module not in (quoprimime, base64mime):
            lines: list[str | None] = super().header_encode_lines(string, maxlengths)
            return lines
        quoted = encoder_module is quoprimime
        encoder = partial(encoder_module.header_encode, charset=codec)
        extra = len(charset) + RFC2047_CHROME_LEN
        lines = []
        current: list[str] = []
        size = 0  # the current line's encoded length (quoted-printable) or bytes (base64)
        maxlen = next(maxlengths) - extra
        for character in string:
            point = ord(character)
            if point < 128:
                step = _QP_LENGTH[point] if quoted else 1
            else:
                step = len(character.encode(codec)) * (3 if quoted else 1)
            grown = size + step
            if (grown if quoted else (grown + 2) // 3 * 4) > maxlen:
                if not lines and not current:
                    lines.append(None)
                else:
                    lines.append(encoder("".join(current).encode(codec)))
                current = [character]
                size = step
                maxlen = next(maxlengths) - extra
            else:
                current.append(character)
                size = grown
        lines.append(encoder("".join(current).encode(codec)))
        return lines


def encoded_subject(subject: str, encoding: str) -> str | None:
    """``Header(subject, encoding).encode()``, as Django's message writes a subject that
    is not ASCII; None for what Django must handle itself (ASCII, a line break, another
    charset than UTF-8)."""
    if subject.isascii() or "\n" in subject or "\r" in subject or encoding.lower() != "utf-8":
        return None
    encoded: str = Header(subject, _LinearCharset(encoding)).encode()
    return encoded


class ReminderMessage(EmailMultiAlternatives):
    """``EmailMultiAlternatives`` writing a non-ASCII subject with ``encoded_subject``:
    the same headers, in the same order."""

    def message(self) -> Any:  # type: ignore[override]  # Django 5.2's takes no policy
        encoding = self.encoding or settings.DEFAULT_CHARSET
        encoded = encoded_subject(str(self.subject), encoding)
        if encoded is None:
            message: Any = super().message()
            return message
        subject = self.subject
        self.subject = ""  # Django writes an empty Subject in its place, replaced below
        try:
            message = super().message()
        finally:
            self.subject = subject
        message.replace_header("Subject", encoded)
        return message
