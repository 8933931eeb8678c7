"""`pulse report`: the same use cases as the schedule, from the command line."""
from __future__ import annotations

from dataclasses import replace
from email import message_from_bytes
from email.policy import default
from functools import cache

import pytest
from click.testing import CliRunner

from chalicelib.reports.archive import LocalReportArchive
from chalicelib.reports.delivery import OutboxReportMailer
from chalicelib.reports.settings import ReportSettings
from chalicelib.services.reporting import Reporting
from chalicelib.storage.report_runs import DynamoReportRunRepository
from pulse_cli.main import cli

from .builders import RECIPIENTS, SENDER, given_wave_with_responses, snapshot_stores


@pytest.fixture
def outbox(moto_table, tokens, tmp_path, monkeypatch):
    repos = given_wave_with_responses(moto_table, tokens)
    settings = replace(ReportSettings.from_environment({}), recipients=RECIPIENTS, sender=SENDER)
    context = Reporting(repos=repos, runs=DynamoReportRunRepository(moto_table),
                        archive=LocalReportArchive(tmp_path / "local"),
                        mailer=OutboxReportMailer(tmp_path / "outbox"), settings=settings,
                        **snapshot_stores(moto_table))
    monkeypatch.setattr("chalicelib.wiring.reporting", cache(lambda: context))  # survives wiring.reset()
    return tmp_path


def test_report_writes_the_archive_and_sends_nothing_without_send(outbox):
    result = CliRunner().invoke(cli, ["report", "--wave", "w-report", "--out", str(outbox / "out")])

    assert result.exit_code == 0, result.output
    assert "report.html" in result.output and "bytes" in result.output
    assert list((outbox / "out" / "reports" / "w-report").glob("*/report.html"))
    assert not (outbox / "outbox").exists()


def test_report_send_writes_one_eml_per_period(outbox):
    first = CliRunner().invoke(cli, ["report", "--wave", "w-report", "--send", "--period", "2026-W48"])
    second = CliRunner().invoke(cli, ["report", "--wave", "w-report", "--send", "--period", "2026-W48"])

    assert first.exit_code == 0 and "sent w-report 2026-W48 to 2 recipient(s)" in first.output
    assert second.exit_code == 0 and "nothing sent" in second.output
    files = list((outbox / "outbox").glob("*.eml"))
    assert [f.name for f in files] == ["report-w-report-2026-W48.eml"]
    message = message_from_bytes(files[0].read_bytes(), policy=default)
    assert message["To"] == ", ".join(RECIPIENTS)


@pytest.mark.parametrize("wave,code,text", [("Bad Wave!", 2, "wave"), ("w-missing", 1, "w-missing")])
def test_bad_or_unknown_wave_gets_a_clear_message(outbox, wave, code, text):
    result = CliRunner().invoke(cli, ["report", "--wave", wave])

    assert result.exit_code == code
    assert text in result.output and "Traceback" not in result.output
