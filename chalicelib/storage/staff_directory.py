"""Staff members as last seen at sign-in: role and scope, so a scheduled e-mail can tell what a
recipient may see.

Item: PK ``STAFF#<subject>``, SK ``PROFILE``; fields subject, role, scope (``region=EMEA`` or None),
seen_at. Written at each dashboard sign-in; an address that never signed in has no profile.
"""
from __future__ import annotations

from .table import DynamoTable


class DynamoStaffDirectory:
    def __init__(self, table: DynamoTable):
        self.table = table

    def remember(self, subject: str, role: str, scope: str | None, seen_at: str) -> None:
        self.table.put({"PK": f"STAFF#{subject}", "SK": "PROFILE", "type": "staff_profile", "subject": subject,
                        "role": role, "scope": scope, "seen_at": seen_at})

    def get(self, subject: str) -> dict | None:
        item = self.table.get(f"STAFF#{subject}", "PROFILE")
        return {k: item.get(k) for k in ("subject", "role", "scope", "seen_at")} if item else None
