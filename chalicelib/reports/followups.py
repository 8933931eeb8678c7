"""Follow-up counts for the report, read from the follow-up queue the dashboard works.

``followup_status(repos, wave_id, queue, now)`` counts the queue's items by status (open and in
progress count as open) and overdue (not closed, due date passed). Without a queue the report
says "not available" instead of showing zeros as if they were real.
"""
from __future__ import annotations

from datetime import datetime

from .model import FollowUpStatus


def followup_status(repos, wave_id: str, queue=None, now: datetime | None = None,
                    reason_labels: dict | None = None) -> FollowUpStatus:
    """The report's follow-up counts from ``queue`` (``by_status(wave_id, status)``), or from a
    ``repos.followups`` with ``counts_for_wave``. Open, in progress, closed and overdue are counted
    as the dashboard's follow-up page counts them (``services.followups.followup_counts``)."""
    if queue is not None and hasattr(queue, "by_status"):
        from chalicelib.security.staff import StaffIdentity
        from chalicelib.services.followups import followup_counts

        counts = followup_counts(queue, wave_id, StaffIdentity("leadership-report", "admin"), now)
        labels = {"unspecified": "No reason chosen (note only)", **(reason_labels or {})}
        by_reason = tuple((labels.get(k, k), n) for k, n in sorted((counts.get("by_reason") or {}).items(),
                                                                   key=lambda kv: (-kv[1], kv[0])))
        return FollowUpStatus(available=True, open=counts.get("open", 0), in_progress=counts.get("in_progress", 0),
                              overdue=counts.get("overdue", 0), closed=counts.get("closed", 0),
                              closed_by_reason=by_reason)
    store = getattr(repos, "followups", None)
    counts = getattr(store, "counts_for_wave", None)
    if counts is None:
        return FollowUpStatus(available=False)
    found = counts(wave_id) or {}
    return FollowUpStatus(available=True, open=int(found.get("open", 0)), in_progress=int(found.get("in_progress", 0)),
                          overdue=int(found.get("overdue", 0)), closed=int(found.get("closed", 0)))
