"""`pulse actions ...` and `pulse changes ...` against a moto table."""
import pytest
from click.testing import CliRunner

from pulse_cli.main import cli
from tests.builders import TEST_SECRET


@pytest.fixture
def pulse(moto_table, monkeypatch):
    from chalicelib import wiring

    monkeypatch.setenv("PULSE_TABLE", moto_table.name)
    monkeypatch.delenv("PULSE_DYNAMODB_ENDPOINT", raising=False)
    monkeypatch.setenv("PULSE_TOKEN_SECRET", TEST_SECRET)
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, ["--stage", "test", *args], catch_exceptions=False)

    yield run
    wiring.reset()


def test_action_from_a_driver_moves_through_the_workflow_and_exports(pulse):
    added = pulse("actions", "add", "--title", "Pay advanced partners in 30 days", "--owner", "lead@vendor.example",
                  "--due", "2026-04-30", "--finding", "driver:px-2026-h1:q_incentive", "--metric", "nps:q_nps",
                  "--tier", "advanced")
    assert added.exit_code == 0, added.output
    action_id = added.output.split(":")[0]
    assert pulse("actions", "move", action_id, "done").exit_code == 2  # proposed -> done is not allowed
    for status in ("approved", "in_progress"):
        assert pulse("actions", "move", action_id, status).exit_code == 0
    dropped = pulse("actions", "move", action_id, "dropped")
    assert dropped.exit_code == 2 and "reason: is required to drop an action" in dropped.output
    listed = pulse("actions", "list")
    assert "in_progress" in listed.output and "[driver:px-2026-h1:q_incentive]" in listed.output
    exported = pulse("actions", "list", "--format", "csv")
    assert exported.output.splitlines()[0].startswith("action_id,title,owner,due,status")


def test_changes_add_and_list_with_located_errors(pulse, tmp_path):
    good = tmp_path / "change.yaml"
    good.write_text("id: payout-2026\ndescription: 30-day payouts\neffective: 2026-02-01\n"
                    "segments: {tiers: [advanced]}\nmetrics: [nps:q_nps]\n")
    assert pulse("changes", "add", str(good)).exit_code == 0
    assert pulse("changes", "add", str(good)).exit_code == 1  # the id exists
    listed = pulse("changes", "list")
    assert "2026-02-01  payout-2026  30-day payouts  (affected: tier advanced; metrics: nps:q_nps)" in listed.output
    from chalicelib import wiring

    changes = wiring.plan_stores().changes  # the stored estimates: live and from closed waves
    changes.set_estimates("payout-2026", [{"verdict": "LIVE verdict"}], "2026-03-02T00:00:00Z")
    changes.set_released_estimates("payout-2026", [{"verdict": "Closed-wave verdict"}], "2026-03-01T00:00:00Z",
                                   "k", ["w1"], "px-unknown")
    listed = pulse("changes", "list").output  # the survey is unknown, so aggregate: the released ones
    assert "Closed-wave verdict" in listed and "LIVE" not in listed
    assert "(Estimates from closed waves only; an open wave counts once it closes. Estimated 2026-03-01" in listed
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ndescription: d\neffective: 2026-02-30\n")
    result = pulse("changes", "add", str(bad))
    assert result.exit_code == 2 and f"{bad}:3:1: effective: must be a date" in result.output


def test_tell_partners_what_a_done_action_changed(pulse, moto_table, monkeypatch, tmp_path):
    from chalicelib.security.tokens import InvitationTokens
    from tests.builders import given_open_wave, make_partner

    monkeypatch.setenv("PULSE_OUTBOX_DIR", str(tmp_path / "outbox"))
    partners = [make_partner("P1", contacts=2), make_partner("P2", region="APJ"), make_partner("P3")]
    given_open_wave(moto_table, InvitationTokens(TEST_SECRET), partners, wave_id="w-tell")
    added = pulse("actions", "add", "--title", "Faster payouts", "--owner", "lead@vendor.example", "--due",
                  "2026-04-30", "--finding", "theme:w-tell:payouts", "--region", "EMEA")
    action_id = added.output.split(":")[0]
    refused = pulse("actions", "tell", action_id, "--what", "Payouts within 30 days")
    assert refused.exit_code == 2 and "status: only a done action" in refused.output
    for status in ("approved", "in_progress", "done"):
        pulse("actions", "move", action_id, status)
    dry = pulse("actions", "tell", action_id, "--what", "Payouts within 30 days", "--dry-run")
    assert "3 contact(s) would hear back (affected segment)" in dry.output  # aggregate survey: all EMEA contacts
    told = pulse("actions", "tell", action_id, "--what", "Payouts within 30 days")
    assert told.exit_code == 0 and "told 3 contact(s)" in told.output
    assert len(list((tmp_path / "outbox").rglob("*.eml"))) == 3
