"""Signed program events (issue 27): HMAC-SHA256 over ``timestamp + "." + body`` per source.

Headers: ``X-Pulse-Source`` (the source's name), ``X-Pulse-Timestamp`` (Unix seconds),
``X-Pulse-Signature`` (``sha256=<hex>``). A timestamp more than ``WINDOW_SECONDS`` from now is refused
(replay of an old request); a replay inside the window carries a known event id and is stored once.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime

WINDOW_SECONDS = 300
SOURCE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
SIGNATURE = re.compile(r"^sha256=([0-9a-f]{64})$")


class SignatureRejected(Exception):
    """The request is not signed by a known source (or too old); ``header`` names what was wrong."""

    def __init__(self, header: str, message: str):
        self.header, self.message = header, message
        super().__init__(f"{header}: {message}")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Pulse-Signature`` value of a body sent at ``timestamp``."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(secrets: dict[str, str], headers, body: bytes, now: datetime) -> str:
    """The source that signed the request, or SignatureRejected naming the header at fault."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    source = (headers.get("x-pulse-source") or "").strip()
    if not source:
        raise SignatureRejected("X-Pulse-Source", "is missing: name the sending system")
    if not SOURCE.match(source) or source not in secrets:
        raise SignatureRejected("X-Pulse-Source", "is not a known event source")
    stamp = (headers.get("x-pulse-timestamp") or "").strip()
    if not stamp.isdigit() or len(stamp) > 12:
        raise SignatureRejected("X-Pulse-Timestamp", "must be the Unix time in seconds")
    if abs(now.timestamp() - int(stamp)) > WINDOW_SECONDS:
        raise SignatureRejected("X-Pulse-Timestamp", f"is more than {WINDOW_SECONDS // 60} minutes from now "
                                                     "(check the clock; replays are refused)")
    given = SIGNATURE.match((headers.get("x-pulse-signature") or "").strip().lower())
    if not given:
        raise SignatureRejected("X-Pulse-Signature", "must be sha256=<64 hex digits>")
    if not hmac.compare_digest(sign(secrets[source], stamp, body), given.group(0)):
        raise SignatureRejected("X-Pulse-Signature", "does not match the body and timestamp")
    return source


def parse_secrets(text: str) -> dict[str, str]:
    """``{"prm": "secret", ...}`` (JSON) -> mapping; an unusable value gives no sources."""
    import json

    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and SOURCE.match(k) and isinstance(v, str)
            and len(v) >= 16}
