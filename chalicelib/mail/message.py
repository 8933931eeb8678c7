"""Building MIME messages with the standard ``email`` package, safe against header injection.

Every header value goes through ``email.headerregistry`` with the SMTP policy, which refuses
CR/LF in values; on top of that, display names and subjects are flattened here (control
characters become spaces) so a hostile partner or contact name can neither add headers nor
make a send fail. Addresses are validated as one ``addr-spec`` each.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

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


def parse_sender(sender: str) -> Address:
    """``Name <addr>`` (from configuration) -> Address."""
    name, address = parseaddr(sender)
    return mailbox(name, address)


@dataclass(frozen=True)
class MessageParts:
    subject: str
    text: str
    html: str


def build_message(*, sender: Address, recipient: Address, parts: MessageParts, message_id: str,
                  sent_at: datetime, unsubscribe_url: str, language: str) -> EmailMessage:
    """A multipart/alternative message (plain text + HTML) with RFC 8058 one-click unsubscribe."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = flatten(parts.subject, MAX_SUBJECT)
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(parts.text, subtype="plain", charset="utf-8")
    message.add_alternative(parts.html, subtype="html", charset="utf-8")
    message["Content-Language"] = flatten(language, 20)  # after set_content, which drops Content-*
    return message
