"""Follow-up counts for the report, read from the follow-up queue the dashboard works.

``followup_status(repos, wave_id, queue, now)`` counts the queue's items by status (open and in
progress count as open) and overdue (not closed, due date passed). Without a queue the report
says "not available" instead of showing zeros as if they were real.
"""
from __future__ import annotations

from datetime import datetime

from .model import FollowUpStatus

STATUSES = ("open", "in_progress", "closed")


def followup_status(repos, wave_id: str, queue=None, now: datetime | None = None) -> FollowUpStatus:
    """The report's follow-up counts from ``queue`` (``by_status(wave_id, status)``), or from a
    ``repos.followups`` with ``counts_for_wave``."""
    if queue is not None and hasattr(queue, "by_status"):
        items = [item for status in STATUSES for item in queue.by_status(wave_id, status)]
        stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ") if now else None
        overdue = sum(1 for i in items if stamp and i.get("status") != "closed" and (i.get("due_at") or "") < stamp)
        return FollowUpStatus(available=True, open=sum(1 for i in items if i.get("status") != "closed"),
                              overdue=overdue, closed=sum(1 for i in items if i.get("status") == "closed"))
    store = getattr(repos, "followups", None)
    counts = getattr(store, "counts_for_wave", None)
    if counts is None:
        return FollowUpStatus(available=False)
    found = counts(wave_id) or {}
    return FollowUpStatus(available=True, open=int(found.get("open", 0)),
                          overdue=int(found.get("overdue", 0)), closed=int(found.get("closed", 0)))
