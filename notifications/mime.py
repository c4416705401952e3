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

Its text parts (the plain body and the HTML alternative) are written the same way:
Django's ``SafeMIMEText`` sets a part's charset by parsing back the Content-Type it has
just written (``Message.set_charset``/``set_param``), about 40 % of the message's
construction; ``text_part`` fills in the state that leaves, from a part Django made once
per subtype (UTF-8 without lines over 998 bytes, else Django's own). ``vars()`` of both
are compared in the tests, as are whole messages byte for byte.
"""

from collections.abc import Iterator
from email import base64mime, quoprimime
from email.charset import RFC2047_CHROME_LEN, Charset
from email.header import Header
from email.utils import formatdate, make_msgid
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT, SafeMIMEText
from django.core.mail.utils import DNS_NAME

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


# A part Django wrote once per subtype: the state ``text_part`` copies.
_MADE_BY_DJANGO: dict[str, SafeMIMEText] = {}


def text_part(content: str, subtype: str, encoding: str) -> SafeMIMEText:
    """``SafeMIMEText(content, subtype, encoding)``: the same object, without parsing its
    Content-Type back. For UTF-8 without long lines Django gives the part its
    ``utf8_charset`` (no body encoding): the payload is the UTF-8 bytes as a
    surrogate-escaped string, the transfer encoding 7bit or 8bit (``encode_7or8bit``)."""
    if encoding != "utf-8" or any(
        len(line.encode(errors="surrogateescape")) > RFC5322_EMAIL_LINE_LENGTH_LIMIT
        for line in content.splitlines()
    ):
        return SafeMIMEText(content, subtype, encoding)
    try:
        payload = content.encode("utf-8").decode("ascii", "surrogateescape")
    except UnicodeError:  # lone surrogates: Django's error
        return SafeMIMEText(content, subtype, encoding)
    made = _MADE_BY_DJANGO.get(subtype)
    if made is None:
        made = _MADE_BY_DJANGO[subtype] = SafeMIMEText("", subtype, encoding)
    part = SafeMIMEText.__new__(SafeMIMEText)
    part.__dict__.update(made.__dict__)
    part.defects = []
    part._payload = payload  # type: ignore[attr-defined]
    # Content-Type and MIME-Version as Django wrote them; then the transfer encoding.
    transfer = "7bit" if payload.isascii() else "8bit"
    part._headers = [*made._headers[:2], ("Content-Transfer-Encoding", transfer)]  # type: ignore[attr-defined]
    return part


class ReminderMessage(EmailMultiAlternatives):
    """``EmailMultiAlternatives`` writing a non-ASCII subject with ``encoded_subject``
    and its text parts with ``text_part``: the same headers, in the same order. Its
    ``message`` is Django 5.2's, with those two changes."""

    def message(self) -> Any:  # type: ignore[override]  # Django 5.2's takes no policy
        encoding = self.encoding or settings.DEFAULT_CHARSET
        encoded = encoded_subject(str(self.subject), encoding)
        body = text_part(str(self.body), self.content_subtype, encoding)
        message: Any = self._create_message(body)  # type: ignore[attr-defined]
        # Django writes an empty Subject in the encoded one's place, replaced below.
        message["Subject"] = self.subject if encoded is None else ""
        message["From"] = self.extra_headers.get("From", self.from_email)
        self._set_list_header_if_not_empty(message, "To", self.to)  # type: ignore[attr-defined]
        self._set_list_header_if_not_empty(message, "Cc", self.cc)  # type: ignore[attr-defined]
        self._set_list_header_if_not_empty(message, "Reply-To", self.reply_to)  # type: ignore[attr-defined]
        header_names = [key.lower() for key in self.extra_headers]
        if "date" not in header_names:
            message["Date"] = formatdate(localtime=settings.EMAIL_USE_LOCALTIME)
        if "message-id" not in header_names:
            message["Message-ID"] = make_msgid(domain=DNS_NAME)
        for name, value in self.extra_headers.items():
            if name.lower() not in {"from", "to", "cc", "reply-to"}:
                message[name] = value
        if encoded is not None:
            message.replace_header("Subject", encoded)
        return message

    def _create_mime_attachment(self, content: Any, mimetype: str) -> Any:
        """A text alternative or attachment through ``text_part``; the rest Django's."""
        basetype, subtype = mimetype.split("/", 1)
        if basetype == "text" and isinstance(content, str):
            return text_part(content, subtype, self.encoding or settings.DEFAULT_CHARSET)
        return super()._create_mime_attachment(content, mimetype)  # type: ignore[misc]
