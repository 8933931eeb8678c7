"""Building MIME messages as bytes, safe against header injection.

Building ``email.message`` objects and serialising them cost 40-60x the time of writing the
bytes (header parsing and folding), so ``build_message`` writes the MIME text directly: a
multipart/alternative (plain text + HTML, UTF-8, 7bit when ASCII, else quoted-printable or
base64, whichever is shorter), CRLF line endings, a fresh boundary per message, RFC 2047
encoded words only for non-ASCII header text. Display names, subjects and the language are
flattened (control characters become spaces) so a hostile partner or contact name can
neither add headers nor make a send fail; addresses are validated as one ``addr-spec`` each,
and the Message-ID and unsubscribe URL are refused if they hold anything but visible ASCII.
"""
from __future__ import annotations

import base64
import binascii
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.utils import format_datetime, parseaddr
from functools import lru_cache

CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
MAX_NAME = 120
MAX_SUBJECT = 200
# SMTP line endings; lines up to RFC 5322's hard limit, so a long List-Unsubscribe URL stays one
# plain line instead of being folded into RFC 2047 encoded words that mail clients ignore.
SMTP_POLICY = policy.SMTP.clone(max_line_length=998)


class UnsafeAddress(ValueError):
    """An address that is not exactly one plain ``local@domain``."""


def flatten(value: str, limit: int) -> str:
    """One line of text: control characters (CR, LF, TAB ...) become single spaces."""
    return " ".join(CONTROL.sub(" ", str(value)).split())[:limit]


def mailbox(display_name: str, address: str) -> Address:
    """A single mailbox; raises UnsafeAddress unless ``address`` is one plain addr-spec."""
    if not isinstance(address, str) or not ADDRESS.match(address):
        raise UnsafeAddress(f"not a single e-mail address: {address!r}")
    local, domain = address.rsplit("@", 1)
    return Address(display_name=flatten(display_name, MAX_NAME), username=local, domain=domain)


@lru_cache(maxsize=64)
def parse_sender(sender: str) -> Address:
    """``Name <addr>`` (from configuration) -> Address."""
    name, address = parseaddr(sender)
    return mailbox(name, address)


@dataclass(frozen=True)
class MessageParts:
    subject: str
    text: str
    html: str


class RawMessage:
    """A finished message: its bytes, plus its top-level headers as written (``message["Message-ID"]``)."""

    __slots__ = ("data", "headers")

    def __init__(self, data: bytes, headers: dict[str, str]):
        self.data, self.headers = data, headers

    def __getitem__(self, name: str) -> str | None:
        return self.headers.get(name)

    def as_bytes(self, policy=None) -> bytes:  # noqa: ARG002 - same call as EmailMessage.as_bytes
        """The message as sent (CRLF line endings, whatever the policy)."""
        return self.data


ATEXT = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*$")
VISIBLE = re.compile(r"^[\x21-\x7e]+$")
ASCII_BYTES = bytes(range(128))
CHUNK = 45  # UTF-8 bytes per encoded word: 10 + 60 + 2 = 72 characters, under RFC 2047's 75


def encoded_words(text: str) -> str:
    """RFC 2047 ``=?utf-8?b?...?=`` words, one per folded line, never splitting a character."""
    if len(encoded := text.encode("utf-8")) <= CHUNK:
        return f"=?utf-8?b?{base64.b64encode(encoded).decode('ascii')}?="
    words, chunk = [], bytearray()
    for char in text:
        data = char.encode("utf-8")
        if len(chunk) + len(data) > CHUNK:
            words.append(chunk)
            chunk = bytearray()
        chunk += data
    words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(bytes(w)).decode('ascii')}?=" for w in words)


def unstructured(text: str) -> str:
    """Header text as is when plain ASCII, else encoded words (also when it looks like one)."""
    return text if text.isascii() and "=?" not in text else encoded_words(text)


def address_header(address: Address) -> str:
    """``Name <local@domain>``: the name bare, quoted or encoded, as it needs."""
    name, spec = address.display_name, f"{address.username}@{address.domain}"
    if not name:
        return spec
    if name.isascii() and "=?" not in name:
        if not ATEXT.match(name):
            name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return f"{name} <{spec}>"
    return f"{encoded_words(name)} <{spec}>"


def text_part(content: str, subtype: str) -> bytes:
    """One ``text/<subtype>`` part (headers + body) with the shortest safe transfer encoding."""
    body = content.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n").encode("utf-8")
    if content.isascii() and max(map(len, body.split(b"\r\n")), default=0) <= 998:
        encoding = "7bit"
    elif len(body.translate(None, ASCII_BYTES)) * 6 < len(body):  # QP adds 2 bytes per non-ASCII byte
        encoding, body = "quoted-printable", binascii.b2a_qp(body, istext=True)
    else:
        encoding, body = "base64", base64.encodebytes(body).replace(b"\n", b"\r\n")
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return (f'Content-Type: text/{subtype}; charset="utf-8"\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n'
            .encode("ascii") + body)


@lru_cache(maxsize=16)
def _date(sent_at: datetime) -> str:
    return format_datetime(sent_at)


def build_message(*, sender: Address, recipient: Address, parts: MessageParts, message_id: str,
                  sent_at: datetime, unsubscribe_url: str, language: str) -> RawMessage:
    """A multipart/alternative message (plain text + HTML) with RFC 8058 one-click unsubscribe."""
    if not VISIBLE.match(message_id) or not VISIBLE.match(unsubscribe_url) or ">" in unsubscribe_url:
        raise ValueError("Message-ID and unsubscribe URL must be visible ASCII without spaces")
    boundary = f"=_{secrets.token_hex(16)}"
    headers = {
        "From": address_header(sender), "To": address_header(recipient),
        "Subject": unstructured(flatten(parts.subject, MAX_SUBJECT)), "Date": _date(sent_at),
        "Message-ID": message_id, "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click", "Auto-Submitted": "auto-generated",
        "MIME-Version": "1.0", "Content-Type": f'multipart/alternative; boundary="{boundary}"',
        "Content-Language": unstructured(flatten(language, 20)),
    }
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    separator = f"\r\n--{boundary}\r\n".encode("ascii")
    data = b"".join((head.encode("ascii"), separator, text_part(parts.text, "plain"), separator,
                     text_part(parts.html, "html"), f"\r\n--{boundary}--\r\n".encode("ascii")))
    return RawMessage(data, headers)
