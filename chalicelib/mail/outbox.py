"""``OutboxMailer``: writes each message as an ``.eml`` file (local development, tests, demos).

Files are written to a temporary name and renamed into place, so a file either exists
complete or not at all; that makes ``delivery_status`` exact.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .mailer import DELIVERED, NOT_DELIVERED, OutgoingMail
from .message import SMTP_POLICY

SAFE_KEY = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$")


class OutboxMailer:
    """Writes ``<directory>/<key>.eml``; a person can open the files in any mail client."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def path_for(self, key: str) -> Path:
        """Where ``key`` is written; refuses keys that could leave the directory."""
        if not SAFE_KEY.match(key) or ".." in key:
            raise ValueError(f"unsafe outbox key {key!r}")
        return self.directory / f"{key}.eml"

    def send(self, mail: OutgoingMail) -> str:
        """Write the message atomically; returns its Message-ID."""
        path = self.path_for(mail.key)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = mail.message.as_bytes(policy=SMTP_POLICY)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
        return str(mail.message["Message-ID"])

    def delivery_status(self, key: str) -> str:
        """Exact: the file exists only once it was completely written."""
        return DELIVERED if self.path_for(key).is_file() else NOT_DELIVERED
