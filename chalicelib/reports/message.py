"""The report e-mail: multipart/alternative (text, then multipart/related HTML + inline PNGs).

Built with the standard ``email`` package. Every address is parsed into ``Address`` objects and
every header value is checked for line breaks before use, so no input can add a header or a
recipient (``email.policy`` also refuses line breaks in header values).
"""
from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, getaddresses, make_msgid, parseaddr

from .render import content_id


class InvalidMailHeader(ValueError):
    """An address or header value that could change the message's headers."""


def _clean(value: str, field: str) -> str:
    if not isinstance(value, str) or any(c in value for c in "\r\n\0"):
        raise InvalidMailHeader(f"{field}: line breaks are not allowed")
    return value


def parse_address(text: str, field: str = "address") -> Address:
    """'Name <user@domain>' or 'user@domain' -> Address; anything odd is refused."""
    if len(getaddresses([_clean(text, field)])) != 1:
        raise InvalidMailHeader(f"{field}: {text!r} must be exactly one address")
    name, address = parseaddr(text)
    if address.count("@") != 1 or not all(address.split("@")) or any(c in address for c in " <>,;\"'"):
        raise InvalidMailHeader(f"{field}: {text!r} is not an e-mail address")
    user, domain = address.split("@")
    return Address(display_name=name, username=user, domain=domain)


def build_report_message(*, sender: str, recipients: list[str], subject: str, text: str, html: str,
                         charts: dict[str, bytes], message_domain: str = "partner-pulse") -> EmailMessage:
    """The complete message; charts become inline parts referenced by ``cid:`` from the HTML."""
    if not recipients:
        raise InvalidMailHeader("recipients: none configured")
    message = EmailMessage(policy=SMTP)
    message["Subject"] = _clean(subject, "subject")
    message["From"] = parse_address(sender, "sender")
    message["To"] = [parse_address(r, "recipient") for r in recipients]
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=message_domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    html_part = message.get_payload()[1]
    for name, png in charts.items():
        html_part.add_related(png, maintype="image", subtype="png", cid=f"<{content_id(name)}>",
                              filename=name, disposition="inline")
    return message
