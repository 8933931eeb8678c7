"""Follow-ups (closed loop). One per response that needs one.

Item: PK ``FOLLOWUP#<wave id>#<invitation id>``, SK ``FOLLOWUP``; GSI2PK
``WAVE#<wave id>#FOLLOWUP#<status>``, GSI2SK ``<due date>#<invitation id>``; fields
followup_id, wave_id, invitation_id, partner_id, partner_name, tier, region, partner_types,
programs, assignee, reasons, nps, comment_id, status (open|in_progress|closed), due_at,
created_at, updated_at, notes [{by, at, text}], closing_reason, version.

Creation is a conditional put (``attribute_not_exists(PK)``) for a few changed responses, or, in
a full rebuild, batch writes of the ones ``existing_ids`` does not list; re-running never
duplicates or resets a follow-up. Updates are conditional on the version (optimistic locking).
"""
from __future__ import annotations

from chalicelib.domain.errors import ConcurrentUpdate

from .schema import GSI2
from .table import DynamoTable

STATUSES = ("open", "in_progress", "closed")
BATCH_WORKERS = 4  # a rebuild's new follow-ups: 4 batch writes in flight at once


def followup_key(wave_id: str, invitation_id: str) -> tuple[str, str]:
    return f"FOLLOWUP#{wave_id}#{invitation_id}", "FOLLOWUP"


def _queue_keys(item: dict) -> dict:
    return {"GSI2PK": f"WAVE#{item['wave_id']}#FOLLOWUP#{item['status']}",
            "GSI2SK": f"{item['due_at']}#{item['invitation_id']}"}


def _public(item: dict) -> dict:
    return {k: v for k, v in item.items() if k not in ("PK", "SK", "GSI2PK", "GSI2SK", "type")}


class DynamoFollowupRepository:
    def __init__(self, table: DynamoTable):
        self.table = table

    def add_if_absent(self, followup: dict) -> bool:
        """Create the follow-up unless one exists for the same response; True when created."""
        pk, sk = followup_key(followup["wave_id"], followup["invitation_id"])
        item = {"PK": pk, "SK": sk, "type": "followup", **followup, **_queue_keys(followup)}
        return self.table.put(item, condition="attribute_not_exists(PK)")

    def existing_ids(self, wave_id: str) -> set[str]:
        """Invitation ids of every follow-up of the wave (one key-only query per status)."""
        return {item["invitation_id"] for status in STATUSES for item in self.table.query_all(
            f"WAVE#{wave_id}#FOLLOWUP#{status}", index=GSI2, attributes=("invitation_id",))}

    def add_many(self, followups: list[dict]) -> int:
        """Create follow-ups known to be absent in batch writes (unprocessed items are resent)."""
        items = []
        for followup in followups:
            pk, sk = followup_key(followup["wave_id"], followup["invitation_id"])
            items.append({"PK": pk, "SK": sk, "type": "followup", **followup, **_queue_keys(followup)})
        return self.table.batch_put(items, workers=BATCH_WORKERS)

    def get(self, wave_id: str, invitation_id: str) -> dict | None:
        item = self.table.get(*followup_key(wave_id, invitation_id))
        return _public(item) if item else None

    def by_status(self, wave_id: str, status: str) -> list[dict]:
        """Every follow-up of a wave in one status, by due date (GSI2, paginated to the end)."""
        return [_public(item) for item in
                self.table.query_all(f"WAVE#{wave_id}#FOLLOWUP#{status}", index=GSI2)]

    def replace(self, followup: dict, expected_version: int) -> None:
        """Write the changed follow-up if nobody changed it since ``expected_version``."""
        pk, sk = followup_key(followup["wave_id"], followup["invitation_id"])
        item = {"PK": pk, "SK": sk, "type": "followup", **followup, **_queue_keys(followup)}
        if not self.table.put(item, condition="version = :v", values={":v": expected_version}):
            raise ConcurrentUpdate("the follow-up changed meanwhile; reload and try again")

    def mark_notice(self, wave_id: str, invitation_id: str, kind: str, status: str, reason: str, at: str) -> bool:
        """Record how the last e-mail about this follow-up went (``notice_status`` sent|failed, with
        ``notice_kind`` assigned|reminder and ``notice_reason``); the version is not bumped, so a
        notice never makes a staff member's edit conflict. False when the follow-up is gone."""
        pk, sk = followup_key(wave_id, invitation_id)
        return self.table.update(
            pk, sk, "SET notice_status = :s, notice_kind = :k, notice_reason = :r, notice_at = :a",
            {":s": status, ":k": kind, ":r": reason[:200], ":a": at}, condition="attribute_exists(PK)")
