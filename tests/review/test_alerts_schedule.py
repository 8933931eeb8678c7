"""The alert check on an EventBridge schedule (issue 24), with a fixed clock: each message is claimed in
the table first, so a mailer that never deduplicates (SES) still sends a finding once per week."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from chalicelib.services.alerts import check_alerts, parse_rules

MONDAY = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
RULES = [{"id": "all_nps", "kind": "nps_drop", "points": 5, "subscribers": ["lead@vendor.example",
                                                                            "cro@vendor.example"]}]
DOC = {"wave": {"id": "px-2026-h1", "title": "H1 2026"}, "previous_wave": "px-2025-h2",
       "overall": {"vs_previous": {"nps": {"difference": -9.0, "significant": True, "other": 20.0}}}}


class EveryMessageMailer:
    """Like SES: every send is a message, whatever its key."""

    def __init__(self):
        self.sent = []

    def send(self, mail):
        self.sent.append(mail.key)
        return mail.key


def test_claims_send_a_finding_once_per_recipient_and_week_however_often_the_check_runs(moto_table):
    from chalicelib.storage.alert_claims import DynamoAlertClaims

    claims, mailer, rules = DynamoAlertClaims(moto_table), EveryMessageMailer(), parse_rules(json.dumps(RULES))

    def run(now):
        return check_alerts(rules, DOC, mailer, "pulse@vendor.example", "https://pulse.example", now,
                            claim=lambda key: claims.claim(key, now))

    assert [s["recipient"] for s in run(MONDAY)] == ["lead@vendor.example", "cro@vendor.example"]
    assert all(run(MONDAY + timedelta(hours=h)) == [] for h in (1, 24, 24 * 6 + 16))  # the same ISO week
    assert len(mailer.sent) == 2
    assert len(run(MONDAY + timedelta(days=7))) == 2  # the next week, while the condition lasts
    assert len(mailer.sent) == 4 and len(set(mailer.sent)) == 4


def test_the_schedule_checks_only_waves_rebuilt_in_the_last_two_weeks(monkeypatch):
    from chalicelib import wiring
    from chalicelib.jobs import alerts_check

    waves = [{"wave_id": "open-wave", "version": "v2", "built_at": "2026-03-01T06:00:00Z"},
             {"wave_id": "closed-last-year", "version": "v1", "built_at": "2025-09-30T06:00:00Z"}]
    monkeypatch.setattr(wiring, "review_stores", lambda: SimpleNamespace(
        snapshots=SimpleNamespace(registered_waves=lambda: waves)))
    checked = []
    monkeypatch.setattr(alerts_check, "check_wave", lambda wave_id, now: checked.append((wave_id, now)) or [
        {"rule": "all_nps", "recipient": "lead@vendor.example"}])
    outcome = alerts_check.handle_scheduled_event({"detail-type": "Scheduled Event"}, now=MONDAY)
    assert checked == [("open-wave", MONDAY)]
    assert outcome == {"sent": 1, "rules": ["all_nps"]}
    checked.clear()
    alerts_check.check_registered_waves(MONDAY)  # the CLI checks every wave with a snapshot
    assert [w for w, _ in checked] == ["open-wave", "closed-last-year"]


def test_the_app_schedules_the_alert_check_and_the_template_takes_its_schedule_and_rules():
    from app import app
    from deploy import operations
    from deploy.functions import ASYNC_FUNCTIONS, by_name

    schedules = {source.name for source in app.event_sources if hasattr(source, "schedule_expression")}
    assert "alerts_check" in schedules
    assert operations.SCHEDULE_PARAMETERS["alerts_check"] == "AlertSchedule"
    assert {"AlertSchedule", "AlertRules", "ReportTranslate"} <= set(operations.parameters("dev"))
    spec = by_name()["alerts_check"]
    assert "PULSE_ALERT_RULES" in spec.env and "alerts_check" in ASYNC_FUNCTIONS
    assert "PULSE_REPORT_TRANSLATE" in by_name()["leadership_report"].env
