"""Entry point of the alert check: every registered wave's published results against the rules of
``PULSE_ALERT_RULES``, findings e-mailed to the subscribers (outbox locally, SES in AWS).

Run by ``pulse alerts check`` (and by a schedule that calls ``check_registered_waves``); the use
case itself is ``services.alerts.check_alerts``.
"""
from __future__ import annotations

import os
from datetime import UTC, datetime

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
    doc = results.scorecard(stores.snapshots, wave_id, reader)
    current = results.comment_summary(stores.snapshots, wave_id, reader)
    previous_summary = None
    previous = doc.get("previous_wave")
    if previous and stores.snapshots.pointer(previous):
        previous_summary = results.comment_summary(stores.snapshots, previous, reader)["summary"]
    return check_alerts(rules, doc, wiring.mailer(), settings.mail_from, settings.public_base_url,
                        now or datetime.now(UTC), current["summary"], previous_summary, current["theme_labels"])


def check_registered_waves(now: datetime | None = None) -> list[dict]:
    """Check every wave with a results snapshot."""
    sent = []
    for wave in wiring.review_stores().snapshots.registered_waves():
        sent += check_wave(wave["wave_id"], now)
    return sent
