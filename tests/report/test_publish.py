"""publish_report: claim, archive, send and record; failures are recorded and retried."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.waves import iso
from chalicelib.reports.archive import LocalReportArchive
from chalicelib.reports.delivery import RecordingReportMailer
from chalicelib.reports.settings import ReportSettings
from chalicelib.services.reporting import Reporting, publish_report, run_scheduled_reports, waves_due
from chalicelib.storage.report_runs import DynamoReportRunRepository
from tests.builders import NOW

from .builders import RECIPIENTS, SENDER, given_wave_with_responses, snapshot_stores


@pytest.fixture
def context(moto_table, tokens, tmp_path):
    repos = given_wave_with_responses(moto_table, tokens)
    settings = replace(ReportSettings.from_environment({}), surveys=("px-test",), recipients=RECIPIENTS,
                       sender=SENDER)
    return Reporting(repos=repos, runs=DynamoReportRunRepository(moto_table),
                     archive=LocalReportArchive(tmp_path), mailer=RecordingReportMailer(), settings=settings,
                     **snapshot_stores(moto_table))


def test_failed_send_is_recorded_and_the_next_run_sends_it(context):
    failing = replace(context, mailer=RecordingReportMailer(fail=True))

    first = publish_report(failing, "w-report", "2026-W48", NOW)
    run = context.runs.get("w-report", "2026-W48")
    assert first["outcome"] == "failed"
    assert run["status"] == "failed" and "fail" in run["last_error"]

    second = publish_report(context, "w-report", "2026-W48", NOW + timedelta(minutes=1))

    assert second["outcome"] == "sent"
    assert len(context.mailer.sent) == 1
    run = context.runs.get("w-report", "2026-W48")
    assert (run["status"], run["attempts"]) == ("sent", 2)
    assert "last_error" not in run


def test_a_live_claim_blocks_a_concurrent_run_but_an_expired_one_is_taken_over(context):
    assert context.runs.claim("w-report", "2026-W48", "2026-11-23T07:00:00Z", "2026-11-23T07:15:00Z")

    assert not context.runs.claim("w-report", "2026-W48", "2026-11-23T07:05:00Z", "2026-11-23T07:20:00Z")
    assert context.runs.claim("w-report", "2026-W48", "2026-11-23T07:16:00Z", "2026-11-23T07:31:00Z")


def test_a_sent_period_is_never_claimed_again(context):
    publish_report(context, "w-report", "2026-W48", NOW)

    again = publish_report(context, "w-report", "2026-W48", NOW + timedelta(days=30))

    assert again["outcome"] == "skipped"
    assert len(context.mailer.sent) == 1


def test_no_recipients_sends_nothing_and_claims_nothing(context):
    quiet = replace(context, settings=replace(context.settings, recipients=()))

    result = publish_report(quiet, "w-report", "2026-W48", NOW)

    assert result["outcome"] == "skipped"
    assert context.runs.get("w-report", "2026-W48") is None


def test_open_waves_get_this_weeks_period_and_closed_ones_a_final_summary(context):
    year, week, _ = NOW.isocalendar()
    assert waves_due(context, NOW) == [("w-report", f"{year}-W{week:02d}")]

    context.repos.waves.close("w-report", iso(NOW - timedelta(days=2)))

    assert waves_due(context, NOW) == [("w-report", "final")]
    assert waves_due(context, NOW + timedelta(days=20)) == []  # closed too long ago for a final


def test_the_archive_of_a_sent_report_is_complete_on_disk(context, tmp_path):
    summary = run_scheduled_reports(context, NOW)

    location = summary["reports"][0]["archive"]
    names = sorted(p.name for p in (tmp_path / "reports" / "w-report").iterdir())
    assert names == [NOW.date().isoformat()]  # no temporary folder left behind
    files = {p.name for p in (tmp_path / "reports" / "w-report" / names[0]).iterdir()}
    assert {"report.html", "report.txt", "summary.json", "manifest.json", "nps_by_tier.png"} <= files
    assert location.endswith(names[0])


class BrokenArchive:
    def write(self, wave_id, day, files):
        raise OSError("disk full")


def test_an_archive_failure_sends_nothing_and_is_recorded_for_retry(context):
    broken = replace(context, archive=BrokenArchive())

    result = publish_report(broken, "w-report", "2026-W48", NOW)

    assert result["outcome"] == "failed"
    assert context.mailer.sent == []
    assert context.runs.get("w-report", "2026-W48")["last_error"] == "OSError: disk full"
    assert publish_report(context, "w-report", "2026-W48", NOW)["outcome"] == "sent"
