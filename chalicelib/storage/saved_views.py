"""Saved dashboard views: a named address per staff user.

Item: PK ``STAFF#<subject>``, SK ``VIEW#<name>``; fields name, path (a same-site ``/staff`` address
with its query: wave, breakdown, filters, driver segment), saved_at. Kept per user, so they
survive signing out; a path is shared by sending its link (the reader's own scope applies).
"""
from __future__ import annotations

from .table import DynamoTable

MAX_VIEWS = 50


class DynamoSavedViewRepository:
    def __init__(self, table: DynamoTable):
        self.table = table

    def save(self, subject: str, name: str, path: str, saved_at: str) -> dict:
        item = {"PK": f"STAFF#{subject}", "SK": f"VIEW#{name}", "type": "saved_view", "name": name,
                "path": path, "saved_at": saved_at}
        self.table.put(item)
        return item

    def for_user(self, subject: str) -> list[dict]:
        items = self.table.query_all(f"STAFF#{subject}", sk_prefix="VIEW#")
        return sorted(({"name": i["name"], "path": i["path"], "saved_at": i["saved_at"]} for i in items),
                      key=lambda v: v["name"].lower())
