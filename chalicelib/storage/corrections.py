"""Reviewer corrections of comment sentiment and themes.

Item: PK ``WAVE#<id>``, SK ``CORRECTION#<comment id>``; fields comment_id, label, themes,
previous_label, previous_themes, corrected_by, corrected_at, text (kept for training exports).
The latest correction wins; earlier ones are kept in ``history``. A correction a bulk relabel wrote
carries ``batch_id`` (storage/relabels.py); one its undo withdrew (the comment had none before) is
kept with ``withdrawn`` and counts nowhere.
"""
from __future__ import annotations

from .table import DynamoTable


class DynamoCorrectionRepository:
    def __init__(self, table: DynamoTable):
        self.table = table

    def save(self, wave_id: str, correction: dict) -> dict:
        """Store ``correction`` (latest wins, previous ones move to its history)."""
        key = (f"WAVE#{wave_id}", f"CORRECTION#{correction['comment_id']}")
        existing = self.table.get(*key)
        history = []
        if existing:
            history = existing.get("history", []) + [{k: existing.get(k) for k in
                                                       ("label", "themes", "corrected_by", "corrected_at")}]
        item = {"PK": key[0], "SK": key[1], "type": "correction", "wave_id": wave_id,
                **correction, "history": history}
        self.table.put(item)
        return item

    def for_wave(self, wave_id: str) -> dict[str, dict]:
        """Corrections of a wave by comment id (withdrawn ones left out)."""
        return {item["comment_id"]: item
                for item in self.table.query_all(f"WAVE#{wave_id}", sk_prefix="CORRECTION#")
                if not item.get("withdrawn")}
