"""Entry point of the alert check: every registered wave's published results against the rules of
``PULSE_ALERT_RULES``, findings e-mailed to the subscribers (outbox locally, SES in AWS).

Run by ``pulse alerts check`` and, in AWS, by the ``alerts_check`` EventBridge schedule (app.py,
``handle_scheduled_event``: waves whose snapshot was rebuilt in the last 14 days). Each message is
claimed first (storage/alert_claims.py), so a finding is mailed once per rule, wave, recipient and
ISO week however often the check runs. The use case itself is ``services.alerts.check_alerts``.
"""
from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from chalicelib import wiring


def check_wave(wave_id: str, now: datetime | None = None) -> list[dict]:
    """Check one wave's snapshot (whole program, admin view) against the configured rules."""
    from chalicelib.security.staff import StaffIdentity
    from chalicelib.services import results
    from chalicelib.services.alerts import check_alerts, parse_rules

    rules = parse_rules(os.environ.get("PULSE_ALERT_RULES"))
    if not rules:
        return []
    stores, settings = wiring.review_stores(), wiring.settings()
    reader = StaffIdentity("alert-check", "admin")
    # subscribers are any address, not a role allowed every comment: the jointly planned released
    # summaries (``release``), never the live ones
    summary_reader = StaffIdentity("alert-check", "viewer")
    doc = results.scorecard(stores.snapshots, wave_id, reader)
    current = results.comment_summary(stores.snapshots, wave_id, summary_reader)
    previous_summary = None
    previous = doc.get("previous_wave")
    if previous and stores.snapshots.pointer(previous):
        previous_summary = results.comment_summary(stores.snapshots, previous, summary_reader)["summary"]
    now = now or datetime.now(UTC)
    return check_alerts(rules, doc, wiring.mailer(), settings.mail_from, settings.public_base_url,
                        now, current["summary"], previous_summary, current["theme_labels"],
                        claim=lambda key: stores.alert_claims.claim(key, now),
                        theme_changes=results.theme_changes(stores.snapshots, wave_id, reader))


def check_registered_waves(now: datetime | None = None, built_within: timedelta | None = None) -> list[dict]:
    """Check every wave with a results snapshot (``built_within``: only snapshots rebuilt that recently)."""
    sent = []
    now = now or datetime.now(UTC)
    since = (now - built_within).strftime("%Y-%m-%dT%H:%M:%SZ") if built_within else ""
    for wave in wiring.review_stores().snapshots.registered_waves():
        if str(wave.get("built_at") or "") >= since:
            sent += check_wave(wave["wave_id"], now)
    return sent


def handle_scheduled_event(event: dict | None = None, now: datetime | None = None) -> dict:
    """The EventBridge schedule: waves rebuilt in the last 14 days (a closed wave stops alerting)."""
    sent = check_registered_waves(now, built_within=timedelta(days=14))
    return {"sent": len(sent), "rules": sorted({s["rule"] for s in sent})}
