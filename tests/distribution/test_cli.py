"""The distribution commands, end to end on moto through click's runner."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from pulse_cli.main import cli

from .conftest import read_outbox


@pytest.fixture
def run(world, moto_table, app_env, monkeypatch, outbox_dir):
    app_env(moto_table)
    monkeypatch.setenv("PULSE_OUTBOX_DIR", str(outbox_dir))
    monkeypatch.setenv("PULSE_PUBLIC_BASE_URL", "https://survey.example.test/")
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, ["--stage", "test", *args], catch_exceptions=False)
    return invoke


def test_dry_run_prints_counts_by_segment_and_sends_nothing(run, outbox_dir):
    result = run("invitations", "send", "--wave", "w-test", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would send 4 invitation e-mail(s) to 4 contact(s)" in result.output
    assert "by tier: Principal 2, Advanced 2" in result.output  # the program's labels, in its order
    assert not outbox_dir.exists()


def test_send_then_status_then_reminders(run, outbox_dir):
    sent = run("invitations", "send", "--wave", "w-test", "--region", "EMEA")
    again = run("invitations", "send", "--wave", "w-test", "--region", "EMEA")
    status = run("invitations", "status", "--wave", "w-test", "--min-partners", "1")
    reminders = run("reminders", "send", "--wave", "w-test")

    assert "sent 2 invitation e-mail(s)" in sent.output
    assert "sent 0 invitation e-mail(s)" in again.output and "already sent 2" in again.output
    assert status.exit_code == 0 and "tier:" in status.output and "program:" in status.output
    assert "too soon 2" in reminders.output
    links = [m.get_body(preferencelist=("plain",)).get_content() for m in read_outbox(outbox_dir)]
    assert all("https://survey.example.test/s/" in text for text in links)


def test_suppress_reports_bad_lines_with_exit_2(run, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("email,reason\nen.0@p001.example,complaint\n")
    bad.write_text("email\nnot-an-address\n")
    assert "1 address(es) suppressed" in run("contacts", "suppress", str(good)).output
    result = run("contacts", "suppress", str(bad))
    assert result.exit_code == 2 and "line 2" in result.output
    assert "suppressed address 1" in run("invitations", "send", "--wave", "w-test").output


def test_unknown_wave_is_a_clear_error(run):
    result = run("reminders", "send", "--wave", "nope")
    assert result.exit_code == 1 and "no wave nope" in result.output


def test_suppress_accepts_ses_notifications_as_json(run, tmp_path):
    import json

    notifications = tmp_path / "bounces.json"
    bounce = {"notificationType": "Bounce", "bounce": {"bounceType": "Permanent",
              "bouncedRecipients": [{"emailAddress": "ja.1@p002.example"}]}}
    notifications.write_text(json.dumps([{"Type": "Notification", "Message": json.dumps(bounce)}]))
    assert "1 address(es) suppressed" in run("contacts", "suppress", str(notifications)).output
    broken = tmp_path / "broken.json"
    broken.write_text("[1]")
    assert run("contacts", "suppress", str(broken)).exit_code == 2
    assert "suppressed address 1" in run("invitations", "send", "--wave", "w-test").output
