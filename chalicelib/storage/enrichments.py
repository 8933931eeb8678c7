"""Comment enrichments (language, sentiment, themes, model versions), one item per comment.

Item: PK ``WAVE#<wave id>``, SK ``ENRICH#<invitation id>.<question id>``, ``data``: the enrichment
as compact JSON (``analysis.enrichment.FIELDS``; a few hundred bytes). Written by the results
refresh (job or CLI), never on a request path; read by the refresh, report and exports so nothing
scores a comment twice.
"""
from __future__ import annotations

import json

from .table import DynamoTable

PREFIX = "ENRICH#"


class DynamoEnrichmentStore:
    """Enrichments of a wave's comments in the single table."""

    def __init__(self, table: DynamoTable):
        self.table = table

    def for_wave(self, wave_id: str) -> dict[str, dict]:
        """Every stored enrichment of the wave, by comment id (paginated to the end)."""
        out = {}
        for item in self.table.query_all(f"WAVE#{wave_id}", sk_prefix=PREFIX):
            out[item["SK"][len(PREFIX):]] = json.loads(item["data"])
        return out

    def put_many(self, wave_id: str, records: list[dict]) -> int:
        """Store (replace) these enrichments; returns how many were written."""
        items = [{"PK": f"WAVE#{wave_id}", "SK": f"{PREFIX}{r['id']}",
                  "data": json.dumps(r, ensure_ascii=False, separators=(",", ":"))} for r in records]
        return self.table.batch_put(items) if items else 0


class InMemoryEnrichmentStore:
    """The same interface over a dict (tests, CLI without a database)."""

    def __init__(self):
        self.items: dict[str, dict[str, dict]] = {}
        self.writes = 0

    def for_wave(self, wave_id: str) -> dict[str, dict]:
        return {k: dict(v) for k, v in self.items.get(wave_id, {}).items()}

    def put_many(self, wave_id: str, records: list[dict]) -> int:
        self.items.setdefault(wave_id, {}).update({r["id"]: dict(r) for r in records})
        self.writes += len(records)
        return len(records)
