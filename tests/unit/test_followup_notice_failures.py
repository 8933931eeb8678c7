"""A follow-up e-mail that fails is visible: notice_status on the follow-up, a metric line, the queue page."""
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.mail.mailer import MailRejected, MailUnavailable

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def make_followup(invitation_id="I1", **overrides) -> dict:
    return {"followup_id": f"w1#{invitation_id}", "wave_id": "w1", "invitation_id": invitation_id,
            "partner_name": "Acme", "tier": "advanced", "region": "EMEA", "assignee": "am@vendor.example",
            "reasons": ["detractor"], "nps": 2, "status": "open", "version": 1,
            "due_at": (NOW + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "created_at": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"), **overrides}


class FailingMailer:
    def __init__(self, error):
        self.error, self.tries = error, 0

    def send(self, mail):
        self.tries += 1
        raise self.error


class RecordingMailer:
    def __init__(self):
        self.sent = []

    def send(self, mail):
        self.sent.append(mail)
        return "id"


@pytest.fixture
def followups(moto_table):
    from chalicelib.storage.followups import DynamoFollowupRepository

    return DynamoFollowupRepository(moto_table)


def test_a_failed_assignment_notice_is_recorded_on_the_follow_up_and_reported(followups):
    from chalicelib.services.followup_notices import send_assigned_notice

    followups.add_if_absent(make_followup())
    reported = []
    outcome = send_assigned_notice(followups, FailingMailer(MailRejected("SES rejected the message: MessageRejected")),
                                   "Pulse <p@vendor.example>", "https://x", make_followup(), NOW,
                                   lambda kind, reason: reported.append((kind, reason)))
    stored = followups.get("w1", "I1")
    assert outcome == "failed" and stored["notice_status"] == "failed" and stored["notice_kind"] == "assigned"
    assert "MessageRejected" in stored["notice_reason"] and reported[0][0] == "assigned"
    assert stored["version"] == 1  # a notice never makes a staff edit conflict


def test_a_sent_notice_is_recorded_as_sent(followups):
    from chalicelib.services.followup_notices import send_assigned_notice

    followups.add_if_absent(make_followup())
    mailer = RecordingMailer()
    outcome = send_assigned_notice(followups, mailer, "Pulse <p@vendor.example>", "https://x", make_followup(), NOW)
    assert outcome == "sent"
    assert followups.get("w1", "I1")["notice_status"] == "sent" and len(mailer.sent) == 1


def test_sla_reminders_record_failures_and_stop_when_the_transport_is_down(followups):
    from chalicelib.services.followup_notices import remind_due

    for invitation_id in ("I1", "I2"):
        followups.add_if_absent(make_followup(invitation_id))
    mailer, reported = FailingMailer(MailUnavailable("SES quota unavailable (ClientError)")), []
    sent = remind_due(followups, mailer, "Pulse <p@vendor.example>", "https://x", "w1", NOW,
                      lambda kind, reason: reported.append(kind))
    states = [followups.get("w1", i).get("notice_status") for i in ("I1", "I2")]
    assert sent == 0 and mailer.tries == 1 and reported == ["reminder"]
    assert states.count("failed") == 1 and not any(followups.get("w1", i).get("reminded_at") for i in ("I1", "I2"))


def test_the_failure_metric_is_one_embedded_metric_format_line():
    from chalicelib.mail.notice_metrics import record_notice_failure

    out = io.StringIO()
    record_notice_failure("reminder", "prod", "SES error Throttling", stream=out)
    document = json.loads(out.getvalue())
    directive = document["_aws"]["CloudWatchMetrics"][0]
    assert directive == {"Namespace": "PartnerPulse", "Dimensions": [["Stage"]],
                         "Metrics": [{"Name": "FollowupNoticeFailed", "Unit": "Count"}]}
    assert document["Stage"] == "prod" and document["FollowupNoticeFailed"] == 1


def test_the_template_alarms_on_that_metric_for_its_stage():
    from deploy.operations import notice_alarm

    alarm = notice_alarm("prod")["FollowupNoticeFailuresAlarm"]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("PartnerPulse", "FollowupNoticeFailed")
    assert alarm["Dimensions"] == [{"Name": "Stage", "Value": "prod"}] and alarm["Threshold"] == 0
