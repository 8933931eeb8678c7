"""The ``Mailer`` interface and the errors every implementation raises.

A mailer sends one ready-built message to one recipient. ``key`` names the send
(``<wave>/<invitation id>.<kind>``) so a mailer that can tell whether a key was already
delivered (the outbox can, SES cannot) lets the sender recover a crash exactly.
"""
from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from chalicelib.domain.errors import PulseError

from .message import RawMessage

DELIVERED, NOT_DELIVERED, UNKNOWN = "delivered", "not_delivered", "unknown"


@dataclass(frozen=True)
class OutgoingMail:
    key: str
    recipient: str  # the only envelope recipient, whatever the headers say
    message: EmailMessage | RawMessage  # built by build_message, or by hand (follow-up notices)


class Mailer(Protocol):
    def send(self, mail: OutgoingMail) -> str:
        """Send one message; return the transport's message id."""

    def delivery_status(self, key: str) -> str:
        """DELIVERED, NOT_DELIVERED, or UNKNOWN when the transport cannot tell."""


class MailError(PulseError):
    """Sending failed."""


class MailRejected(MailError):
    """The transport refused this one message (bad address, unverified sender): skip it."""


class MailUnavailable(MailError):
    """The transport is unavailable or the sending quota is used up: stop the run."""
