"""Entry point of the live results update: DynamoDB Streams records in, fresh results out.

``app.py`` registers ``handle_stream_event`` for the table's stream (AWS); the local stream
poller (``devtools/stream_poller.py``, started by ``make run``) calls the same function with
the records it reads from DynamoDB Local's stream. The use case is
``chalicelib.services.live_results``.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from chalicelib import wiring

logger = logging.getLogger("pulse.jobs")


def _context():
    from chalicelib.services.snapshot_builder import Thresholds

    review = wiring.review_settings()
    return (wiring.repositories(), wiring.review_stores(), Thresholds.of(review),
            review)


def handle_stream_event(event: dict, rebuild: bool = True) -> dict:
    """Apply the changed responses of a stream batch, then rebuild the snapshots that are due."""
    from chalicelib.services import live_results

    repos, stores, thresholds, review = _context()
    changes = live_results.changed_responses((event or {}).get("Records", []))
    summary = {"waves": [], "responses": 0, "followups_created": 0, "rebuilt": []}
    if changes:
        summary.update(live_results.apply_changes(repos, stores, changes, review.followup_sla_days,
                                                  datetime.now(UTC), review.followup_rules, notify_assignee,
                                                  thresholds))
    if rebuild:
        summary["rebuilt"] = refresh_due_snapshots()
    if changes or summary["rebuilt"]:
        logger.info("live results update: %s", summary)
    return summary


def refresh_due_snapshots() -> list[str]:
    """Rebuild every changed wave's snapshot that is due; returns the rebuilt wave ids."""
    from chalicelib.services import live_results

    repos, stores, thresholds, review = _context()
    done = live_results.refresh_due(repos, stores, thresholds, review.followup_sla_days, datetime.now(UTC),
                                    review.followup_rules, review.live_rebuild_interval_s)
    rebuilt = [d["wave_id"] for d in done]
    sink = wiring.analytics_sink()
    if sink is not None:  # AWS: a live rebuild refreshes the Athena export too, as refresh_wave does
        from chalicelib.services.analytics_export import export_wave

        for wave_id in rebuilt:
            export_wave(repos, sink, wave_id, wiring.token_secret())
    return rebuilt


def notice_failed(kind: str, reason: str) -> None:
    """A follow-up notice could not be sent: an error log line and the CloudWatch metric (EMF)."""
    from chalicelib.mail.notice_metrics import record_notice_failure

    logger.error("follow-up %s notice failed: %s", kind, reason)
    record_notice_failure(kind, wiring.settings().stage, reason)


def notify_assignee(followup: dict) -> str:
    """E-mail the assignee of a new or reassigned follow-up (outbox locally, SES in AWS).

    Never raises (a failed notice must not undo the follow-up): the outcome is recorded on the
    follow-up (``notice_status``) and a failure is also a metric. Returns sent|failed|skipped."""
    from chalicelib.services.followup_notices import send_assigned_notice

    settings = wiring.settings()
    return send_assigned_notice(wiring.review_stores().followups, wiring.mailer(), settings.mail_from,
                                settings.public_base_url, followup, datetime.now(UTC), notice_failed)


def remind_followups() -> int:
    """SLA reminders for every registered wave's follow-ups due within a day or overdue."""
    from chalicelib.services.followup_notices import remind_due

    settings, stores = wiring.settings(), wiring.review_stores()
    now = datetime.now(UTC)
    return sum(remind_due(stores.followups, wiring.mailer(), settings.mail_from, settings.public_base_url,
                          entry["wave_id"], now, notice_failed) for entry in stores.snapshots.registered_waves())
