"""Mail transports for the report: Amazon SES (``send_raw_email``) and a local ``.eml`` outbox.

A small ``ReportMailer`` interface of its own: the invitation ``Mailer`` (branch ``mail``) sends
one message to one recipient, while a report is one message to a list of leaders, claimed and
recorded as one unit.
"""
from __future__ import annotations

import os
import re
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Protocol

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class ReportSendFailed(Exception):
    """The transport did not accept the message; the run is recorded as failed and retried."""


class ReportMailer(Protocol):
    def send(self, message: EmailMessage, recipients: list[str], name: str) -> str:
        """Send one message to its recipients; return the transport's message id."""


class SesReportMailer:
    """Raw MIME through SES; the envelope recipients are passed explicitly (``Destinations``)."""

    def __init__(self, client, source: str):
        self.client = client
        self.source = source

    def send(self, message: EmailMessage, recipients: list[str], name: str) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            result = self.client.send_raw_email(
                Source=self.source, Destinations=[str(r) for r in recipients],
                RawMessage={"Data": message.as_bytes(policy=SMTP)})
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "error")
            raise ReportSendFailed(f"SES refused the report: {code}") from error
        except BotoCoreError as error:
            raise ReportSendFailed(f"SES unreachable ({type(error).__name__})") from error
        return result["MessageId"]


class OutboxReportMailer:
    """Writes ``<directory>/<name>.eml`` (temporary file, then rename): open it in any mail client."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def send(self, message: EmailMessage, recipients: list[str], name: str) -> str:
        if not SAFE_NAME.match(name):
            raise ValueError(f"unsafe outbox name {name!r}")
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{name}.eml"
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(message.as_bytes(policy=SMTP))
        os.replace(temporary, path)
        return str(message["Message-ID"])


class RecordingReportMailer:
    """Keeps sent messages in memory (tests, benchmarks); ``fail`` makes every send fail."""

    def __init__(self, fail: bool = False):
        self.sent: list[tuple[EmailMessage, list[str], str]] = []
        self.fail = fail

    def send(self, message: EmailMessage, recipients: list[str], name: str) -> str:
        if self.fail:
            raise ReportSendFailed("recording mailer told to fail")
        self.sent.append((message, list(recipients), name))
        return str(message["Message-ID"])
