"""Scheduled sharing of saved views: one item per sharer, view and recipient.

Item: PK ``VIEWSHARES`` (one collection: the scheduled job reads it with a paginated Query, never a
Scan), SK ``SHARE#<sharer>#<view name>#<recipient>``; fields sharer, name, path, recipient, cadence
(weekly | monthly), created_at, and as the job goes last_period (the week or month it last handled),
last_outcome (sent | refused: why), last_at; stopped_at once the sharer stops it.
"""
from __future__ import annotations

from .table import DynamoTable

PK = "VIEWSHARES"


def _sk(sharer: str, name: str, recipient: str) -> str:
    return f"SHARE#{sharer}#{name}#{recipient}"


class DynamoViewShares:
    def __init__(self, table: DynamoTable):
        self.table = table

    def add(self, sharer: str, name: str, path: str, recipient: str, cadence: str, created_at: str) -> dict:
        """Subscribe ``recipient`` (again: a stopped share starts over with the new cadence)."""
        item = {"PK": PK, "SK": _sk(sharer, name, recipient), "type": "view_share", "sharer": sharer, "name": name,
                "path": path, "recipient": recipient, "cadence": cadence, "created_at": created_at}
        self.table.put(item)
        return item

    def stop(self, sharer: str, name: str, recipient: str, stopped_at: str) -> bool:
        return self.table.update(PK, _sk(sharer, name, recipient), "SET stopped_at = :at", {":at": stopped_at},
                                 condition="attribute_exists(PK)")

    def for_sharer(self, sharer: str) -> list[dict]:
        return [i for i in self.table.query_all(PK, sk_prefix=f"SHARE#{sharer}#") if not i.get("stopped_at")]

    def active(self) -> list[dict]:
        return [i for i in self.table.query_all(PK, sk_prefix="SHARE#") if not i.get("stopped_at")]

    def claim(self, share: dict, period: str, at: str) -> bool:
        """True for the first run of ``period`` (a week or a month) on this share; False otherwise."""
        return self.table.update(
            PK, share["SK"], "SET last_period = :p, last_at = :at", {":p": period, ":at": at},
            condition="attribute_exists(PK) AND attribute_not_exists(stopped_at) AND "
                      "(attribute_not_exists(last_period) OR last_period <> :p)")

    def record(self, share: dict, outcome: str) -> None:
        self.table.update(PK, share["SK"], "SET last_outcome = :o", {":o": outcome})
