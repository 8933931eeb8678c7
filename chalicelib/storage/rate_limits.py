"""Counting bad form posts per invitation. Item: PK ``RATELIMIT#<invitation id>``,
SK ``FORM#<window start, epoch seconds>``, attributes ``bad_posts`` (number) and
``expires_at`` (epoch seconds; enable DynamoDB TTL on ``expires_at`` to clean up).

A fixed window per invitation: the first bad post of a window creates the item with one
atomic ``ADD``; once ``bad_posts`` reaches the limit, posts are refused until the window
ends. Correctness does not depend on TTL (the window is in the key); TTL only deletes
old counters. State lives in DynamoDB, not in the Lambda, so every concurrent container
sees the same count.
"""
from __future__ import annotations

from .table import DynamoTable

DEFAULT_LIMIT = 10
DEFAULT_WINDOW_SECONDS = 600


class DynamoBadPostCounter:
    """Per-invitation fixed-window counter of rejected form posts."""

    def __init__(self, table: DynamoTable, limit: int = DEFAULT_LIMIT,
                 window_seconds: int = DEFAULT_WINDOW_SECONDS):
        self.table, self.limit, self.window = table, limit, window_seconds

    def _key(self, invitation_id: str, now: float) -> tuple[tuple[str, str], int]:
        start = int(now // self.window) * self.window
        return (f"RATELIMIT#{invitation_id}", f"FORM#{start}"), start + self.window

    def retry_after(self, invitation_id: str, now: float) -> int | None:
        """Seconds to wait when the invitation used up its bad posts in this window, else None."""
        (pk, sk), window_end = self._key(invitation_id, now)
        item = self.table.get(pk, sk, consistent=False)
        if item and item.get("bad_posts", 0) >= self.limit:
            return max(1, int(window_end - now))
        return None

    def record(self, invitation_id: str, now: float) -> None:
        """Count one bad post (atomic increment; creates the window's item)."""
        (pk, sk), window_end = self._key(invitation_id, now)
        self.table.update(pk, sk, "ADD bad_posts :one SET expires_at = :expires",
                          {":one": 1, ":expires": window_end + self.window})
