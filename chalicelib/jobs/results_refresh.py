"""Scheduled job: refresh the results snapshot of every open wave that has one.

A wave gets its first snapshot from an admin (``pulse snapshot refresh --wave ID`` or
``POST /api/v1/staff/waves/{id}/snapshot``); from then on this job keeps it current while the
wave is open. The analysis engine is imported inside the job, never when app.py loads.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from chalicelib import wiring

logger = logging.getLogger("pulse.jobs")


def refresh_results_snapshots(event=None) -> list[dict]:
    """Refresh every registered, still open wave; returns one summary per wave."""
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds

    repos, stores, review = wiring.repositories(), wiring.review_stores(), wiring.review_settings()
    summaries = []
    for entry in stores.snapshots.registered_waves():
        if repos.waves.get(entry["wave_id"]).status != "open":
            continue
        summary = results.refresh_snapshot(
            repos, stores.snapshots, stores.corrections, stores.followups, entry["wave_id"],
            Thresholds(review.min_scores, review.min_comments), review.followup_sla_days, datetime.now(UTC),
            review.followup_rules)
        logger.info("results snapshot refreshed: %s", summary)
        summaries.append(summary)
    from chalicelib.jobs.results_stream import remind_followups

    logger.info("follow-up SLA reminders sent: %d", remind_followups())
    return summaries
