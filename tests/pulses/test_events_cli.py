"""``pulse events import`` and ``pulse pulses send|skipped|results`` against DynamoDB Local."""
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from chalicelib.services.program import apply_program
from pulse_cli.main import cli
from tests.builders import TEST_SECRET, make_partner, make_repositories
from tests.pulses.builders import program_definition, table_items

pytestmark = pytest.mark.dynamodb_local


@pytest.fixture
def pulse(local_table, monkeypatch, tmp_path):
    from chalicelib import wiring

    repos = make_repositories(local_table)
    apply_program(repos, program_definition(), datetime.now(UTC) - timedelta(days=30))
    repos.partners.put_many([make_partner("P001", contacts=2)], "2026-01-01T00:00:00Z")
    monkeypatch.setenv("PULSE_TABLE", local_table.name)
    monkeypatch.setenv("PULSE_DYNAMODB_ENDPOINT", local_table.client.meta.endpoint_url)
    monkeypatch.setenv("PULSE_TOKEN_SECRET", TEST_SECRET)
    monkeypatch.setenv("PULSE_OUTBOX_DIR", str(tmp_path / "outbox"))
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, ["--stage", "test", *args], catch_exceptions=False)

    yield run
    wiring.reset()


def day(days_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_import_is_all_or_nothing_with_file_line_column_and_idempotent(pulse, local_table, tmp_path):
    bad = tmp_path / "events.csv"
    bad.write_text("event_id,event_type,partner_id,occurred_at,contact_email,outcome,amount\n"
                   f"e1,poc_funded,P001,{day(3)},c0.P001@partner.example,funded,25000\n"
                   f"e2,poc_funded,P001,{day(3)},c1.P001@partner.example,maybe,lots\n")
    before = table_items(local_table)
    result = pulse("events", "import", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:3:" in result.output and "outcome: 'maybe' is not one of funded, declined" in result.output
    assert "amount: must be a number" in result.output
    assert table_items(local_table) == before  # the good first row was not stored either

    good = tmp_path / "good.csv"
    good.write_text("event_id,event_type,partner_id,occurred_at,contact_email,outcome,amount,on_time\n"
                    f"e1,poc_funded,P001,{day(3)},c0.P001@partner.example,funded,\"25,000\",\n"
                    f"p1,payout_made,P001,{day(4)},,,1200,no\n"
                    f"old,poc_funded,P001,{day(40)},c1.P001@partner.example,declined,,\n")
    first = pulse("events", "import", str(good))
    assert first.exit_code == 0, first.output
    assert "3 event(s): 3 stored, 0 already known, 1 too old for a pulse" in first.output
    again = pulse("events", "import", str(good))
    assert "0 stored, 3 already known" in again.output

    sent = pulse("pulses", "send")
    assert sent.exit_code == 0 and '"sent": 1' in sent.output  # the payout's contact is c0 too: 30-day rule
    skipped = pulse("pulses", "skipped", "--list")
    assert "skipped pulses in" in skipped.output and ": 2" in skipped.output.splitlines()[0]
    assert "old\tpoc_funded\tP001\texpired" in skipped.output
    assert "p1\tpayout_made\tP001\tcontact_asked_recently" in skipped.output
    results = pulse("pulses", "results", "--threshold", "1")
    assert results.exit_code == 0 and "PoC funding: 2 events, 1 invited" in results.output
