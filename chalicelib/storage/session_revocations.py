"""Signed-out staff sessions. Item: PK ``REVOKED#<sha256 of the session token>``, SK ``SESSION``,
``revoked_at`` and ``expires_at`` (epoch seconds; the table's TTL attribute deletes the item once
no cookie carrying the token can still be valid).

Sign-out writes the item; every staff request checks it (one strongly consistent GetItem), so a
copied cookie or bearer token is refused right after its owner signed out, on every container.
Only the hash is stored: the table never holds a usable token.
"""
from __future__ import annotations

import hashlib

from .table import DynamoTable

KEEP_SECONDS = 25 * 3600  # longer than any session: pasted tokens' cookie (24 h), Cognito ID tokens (60 min)


def _key(token: str) -> tuple[str, str]:
    return "REVOKED#" + hashlib.sha256(token.encode()).hexdigest(), "SESSION"


class DynamoSessionRevocations:
    def __init__(self, table: DynamoTable):
        self.table = table

    def revoke(self, token: str, now: float) -> None:
        pk, sk = _key(token)
        self.table.put({"PK": pk, "SK": sk, "type": "session_revocation", "revoked_at": int(now),
                        "expires_at": int(now) + KEEP_SECONDS})

    def is_revoked(self, token: str, now: float) -> bool:
        item = self.table.get(*_key(token))
        return bool(item) and int(item.get("expires_at", 0)) > now
