"""Follow-up counts for the report, read through whatever follow-up store exists.

The follow-up queue is built on another branch. Until a ``followups`` repository with
``counts_for_wave(wave_id) -> {"open", "overdue", "closed"}`` is in the ``Repositories``
bundle, the report says "not available" instead of showing zeros as if they were real.
"""
from __future__ import annotations

from .model import FollowUpStatus


def followup_status(repos, wave_id: str) -> FollowUpStatus:
    store = getattr(repos, "followups", None)
    counts = getattr(store, "counts_for_wave", None)
    if counts is None:
        return FollowUpStatus(available=False)
    found = counts(wave_id) or {}
    return FollowUpStatus(available=True, open=int(found.get("open", 0)),
                          overdue=int(found.get("overdue", 0)), closed=int(found.get("closed", 0)))
