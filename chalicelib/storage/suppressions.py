"""Suppressed addresses: hard bounces, complaints and manual imports, never mailed again.

Item: PK ``SUPPRESSED#<sha256 of the lower-cased address>``, SK ``ADDRESS``; GSI1PK
``SUPPRESSED``, GSI1SK the same hash (the whole list in one query). Fields: address_hash,
reason (``bounce`` | ``complaint`` | ``manual``), source, suppressed_at. Only the hash is
kept, so the list holds no readable address and still matches any later directory import.
"""
from __future__ import annotations

import hashlib

from .table import DynamoTable


def address_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


class DynamoSuppressionRepository:
    def __init__(self, table: DynamoTable):
        self.table = table

    def add_many(self, entries: list[tuple[str, str]], source: str, now: str) -> int:
        """Suppress (address, reason) pairs; re-adding an address just refreshes it."""
        items = {}
        for email, reason in entries:
            digest = address_hash(email)
            items[digest] = {"PK": f"SUPPRESSED#{digest}", "SK": "ADDRESS", "type": "suppression",
                             "GSI1PK": "SUPPRESSED", "GSI1SK": digest, "address_hash": digest,
                             "reason": reason, "source": source[:200], "suppressed_at": now}
        return self.table.batch_put(list(items.values()))

    def hashes(self) -> set[str]:
        """Hashes of every suppressed address."""
        return {i["address_hash"] for i in self.table.query_all("SUPPRESSED", index="GSI1")}

    def suppressed_among(self, emails) -> set[str]:
        """The given addresses that are suppressed (one query for the whole list)."""
        known = self.hashes()
        return {email for email in emails if address_hash(email) in known}

    def is_suppressed(self, email: str) -> bool:
        return self.table.get(f"SUPPRESSED#{address_hash(email)}", "ADDRESS") is not None
