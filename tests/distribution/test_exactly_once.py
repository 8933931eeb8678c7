"""Exactly once under crashes: claim-then-send, recovered by asking the mailer.

A crash is injected between recording the claim and sending, and between sending and
recording the result; a re-run must leave exactly one e-mail per contact.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.domain.sends import FAILED, SENDING, SENT
from chalicelib.mail.mailer import MailRejected, MailUnavailable
from chalicelib.mail.outbox import OutboxMailer
from chalicelib.mail.ses import SesMailer
from chalicelib.services.distribution import send_invitations
from tests.builders import NOW

from .conftest import Crash, read_outbox

LATER = NOW + timedelta(hours=1)  # past the 10-minute lease


class CrashBeforeSending:
    """Delegates to a mailer, but dies before the n-th send leaves."""

    def __init__(self, inner, crash_at: int = 2):
        self.inner, self.crash_at, self.calls = inner, crash_at, 0

    def send(self, mail):
        self.calls += 1
        if self.calls == self.crash_at:
            raise Crash("power cut before the mail left")
        return self.inner.send(mail)

    def delivery_status(self, key):
        return self.inner.delivery_status(key)


class CrashAfterSending:
    """A send repository that dies right after the n-th mail left, before it is marked sent."""

    def __init__(self, inner, crash_at: int = 2):
        self.inner, self.crash_at, self.calls = inner, crash_at, 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def mark_sent(self, *args, **kwargs):
        self.calls += 1
        if self.calls == self.crash_at:
            raise Crash("power cut after the mail left")
        return self.inner.mark_sent(*args, **kwargs)


def emails_per_contact(outbox_dir) -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in read_outbox(outbox_dir):
        address = message["To"].addresses[0].addr_spec
        counts[address] = counts.get(address, 0) + 1
    return counts


def all_contacts(links) -> set[str]:
    return {link.contact.email for link in links}


def test_crash_between_claim_and_send_then_rerun_sends_exactly_one_each(world, outbox_dir):
    d, links = world
    crashing = replace(d, mailer=CrashBeforeSending(d.mailer))

    with pytest.raises(Crash):
        send_invitations(crashing, "w-test", NOW)
    assert [r.state for r in d.sends.sends_for_wave("w-test")].count(SENDING) == 1
    rerun = send_invitations(d, "w-test", LATER)

    assert emails_per_contact(outbox_dir) == {email: 1 for email in all_contacts(links)}
    assert {r.state for r in d.sends.sends_for_wave("w-test")} == {SENT}
    assert rerun.recovered == 0 and rerun.in_doubt == []


def test_crash_between_send_and_record_then_rerun_sends_nothing_twice(world, outbox_dir):
    d, links = world
    crashing = replace(d, sends=CrashAfterSending(d.sends))

    with pytest.raises(Crash):
        send_invitations(crashing, "w-test", NOW)
    rerun = send_invitations(d, "w-test", LATER)

    assert emails_per_contact(outbox_dir) == {email: 1 for email in all_contacts(links)}
    assert rerun.recovered == 1
    assert {r.state for r in d.sends.sends_for_wave("w-test")} == {SENT}


def test_a_rerun_inside_the_lease_leaves_a_live_claim_alone(world, outbox_dir):
    d, links = world
    with pytest.raises(Crash):
        send_invitations(replace(d, mailer=CrashBeforeSending(d.mailer)), "w-test", NOW)

    soon = send_invitations(d, "w-test", NOW + timedelta(minutes=2))

    assert soon.skipped["being sent by another run"] == 1
    assert len(emails_per_contact(outbox_dir)) == len(links) - 1


def test_a_rejected_message_is_recorded_failed_and_retried_next_run(world, outbox_dir):
    d, links = world

    class RejectFirst:
        def __init__(self, inner):
            self.inner, self.rejected = inner, False

        def send(self, mail):
            if not self.rejected:
                self.rejected = True
                raise MailRejected("bad address")
            return self.inner.send(mail)

        def delivery_status(self, key):
            return self.inner.delivery_status(key)

    first = send_invitations(replace(d, mailer=RejectFirst(d.mailer)), "w-test", NOW)
    assert len(first.failed) == 1 and [r.state for r in d.sends.sends_for_wave("w-test")].count(FAILED) == 1
    second = send_invitations(d, "w-test", LATER)
    assert len(second.sent) == 1
    assert emails_per_contact(outbox_dir) == {email: 1 for email in all_contacts(links)}


# -- SES (moto): the transport cannot say whether an interrupted send left ---------------------
def ses_sent(region="us-east-1") -> list:
    return list(ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages)


@pytest.fixture
def ses_world(moto_table, tokens, world):
    """The same wave, sending through moto SES (sender identity verified first)."""
    client = boto3.client("ses", region_name="us-east-1")
    client.verify_email_identity(EmailAddress="pulse@vendor.example")
    sleeps: list[float] = []
    mailer = SesMailer(client, "pulse@vendor.example", sleep=sleeps.append, clock=lambda: 0.0)
    d, links = world
    return replace(d, mailer=mailer), links, sleeps


def test_ses_sending_twice_sends_once_and_respects_the_send_rate(ses_world):
    d, links, sleeps = ses_world

    send_invitations(d, "w-test", NOW)
    send_invitations(d, "w-test", LATER)

    sent = ses_sent()
    assert sorted(m.destinations[0] for m in sent) == sorted(all_contacts(links))
    # moto's account allows 1 message/second: each send after the first waits a full second.
    assert sleeps == [1.0] * (len(links) - 1)


def test_ses_crash_after_sending_is_in_doubt_and_not_resent(ses_world):
    d, links, _ = ses_world
    with pytest.raises(Crash):
        send_invitations(replace(d, sends=CrashAfterSending(d.sends)), "w-test", NOW)

    rerun = send_invitations(d, "w-test", LATER)

    assert len(rerun.in_doubt) == 1 and len(rerun.sent) == len(links) - 2  # the two never reached
    assert sorted(m.destinations[0] for m in ses_sent()) == sorted(all_contacts(links))


def test_ses_crash_before_sending_is_sent_once_when_the_operator_resends_in_doubt(ses_world):
    d, links, _ = ses_world
    with pytest.raises(Crash):
        send_invitations(replace(d, mailer=CrashBeforeSending(d.mailer)), "w-test", NOW)
    assert len(ses_sent()) == 1

    cautious = send_invitations(d, "w-test", LATER)
    assert len(cautious.in_doubt) == 1 and len(ses_sent()) == len(links) - 1
    forced = send_invitations(replace(d, policy=replace(d.policy, resend_in_doubt=True)), "w-test", LATER)

    assert len(forced.sent) == 1
    assert sorted(m.destinations[0] for m in ses_sent()) == sorted(all_contacts(links))


def test_ses_daily_quota_stops_the_run_and_releases_the_claim(world, outbox_dir):
    d, links = world

    class QuotaClient:
        def __init__(self):
            self.sent = 0

        def get_send_quota(self):
            return {"Max24HourSend": 2.0, "SentLast24Hours": 0.0, "MaxSendRate": 10.0}

        def send_raw_email(self, **kwargs):
            self.sent += 1
            return {"MessageId": f"m{self.sent}"}

    client = QuotaClient()
    report = send_invitations(replace(d, mailer=SesMailer(client, "pulse@vendor.example", sleep=lambda s: None)),
                              "w-test", NOW)

    assert client.sent == 2 and len(report.sent) == 2
    assert "quota" in report.stopped
    states = sorted(r.state for r in d.sends.sends_for_wave("w-test"))
    assert states == [FAILED, SENT, SENT]
    assert isinstance(MailUnavailable("x"), Exception)


def test_outbox_key_cannot_escape_the_directory(tmp_path):
    with pytest.raises(ValueError):
        OutboxMailer(tmp_path).path_for("../etc/passwd")


def test_ses_in_doubt_invitation_is_confirmed_once_the_contact_uses_the_link(ses_world):
    from chalicelib.services.submissions import submit_response
    from tests.builders import token_of

    d, links, _ = ses_world
    with pytest.raises(Crash):
        send_invitations(replace(d, sends=CrashAfterSending(d.sends, crash_at=1)), "w-test", NOW)
    first = next(link for link in links if link.contact.email == ses_sent()[0].destinations[0])
    submit_response(d.repos, d.invitation_tokens, token_of(first),
                    {"answers": {"q_nps": 8}, "language": "en", "final": False}, NOW)

    rerun = send_invitations(d, "w-test", LATER)

    assert rerun.in_doubt == [] and rerun.recovered == 1
    assert sorted(m.destinations[0] for m in ses_sent()) == sorted(all_contacts(links))
