"""The hostile black-box sweep (``-m hostile``): every generated case over HTTP against ``chalice local``
and as API Gateway proxy events through the handler, plus hostile partner CSVs through the CLI, all on
one DynamoDB Local table. Target: 0 failures, 0 5xx, 0 dropped connections, 0 writes on error.

The scoreboard is written to ``test-artifacts/hostile-summary.json`` (figures for the README)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pulse_cli.main import cli
from tests.builders import TEST_SECRET, restore_environment, token_of
from tests.hostile.blackbox import EventTransport, HttpTransport, Scoreboard, run_cases
from tests.hostile.cases import World, all_cases, cli_imports
from tests.hostile.conftest import WAVE, build_world, staff_token, table_dump

pytestmark = [pytest.mark.hostile, pytest.mark.dynamodb_local]
ROOT = Path(__file__).resolve().parents[2]
ENV = ("PULSE_TABLE", "PULSE_TOKEN_SECRET", "PULSE_DYNAMODB_ENDPOINT", "PULSE_STAGE", "PULSE_CLI_STAGE")


@pytest.fixture(scope="module")
def sweep(dynamodb_local_endpoint, tmp_path_factory):
    """A world on DynamoDB Local, served by chalice local, and the same environment in this process."""
    from chalicelib import wiring
    from chalicelib.security.tokens import InvitationTokens
    from chalicelib.security.unsubscribe_tokens import UnsubscribeTokens
    from chalicelib.services import results
    from chalicelib.web.csrf import token_for
    from tests.conftest import _make_table
    from tests.e2e.conftest import chalice_local

    saved = {k: os.environ.get(k) for k in ENV}
    table = _make_table(dynamodb_local_endpoint)
    os.environ.update({"PULSE_TABLE": table.name, "PULSE_TOKEN_SECRET": TEST_SECRET, "PULSE_STAGE": "test",
                       "PULSE_DYNAMODB_ENDPOINT": dynamodb_local_endpoint})
    try:
        _, links = build_world(table, InvitationTokens(TEST_SECRET))
        followup = wiring.review_stores().followups.by_status(WAVE, "open")[0]["invitation_id"]
        comment = results._comments(wiring.review_stores().snapshots, WAVE)[0]["id"]
        session, nonce = staff_token("analyst"), "hostile-login-nonce-0123456789"
        world = World(
            wave=WAVE, api_tokens=[token_of(lk) for lk in links[0:8:2]], free_token=token_of(links[1]),
            form_tokens=[token_of(lk) for lk in links[3::2]],
            unsubscribe_token=UnsubscribeTokens(TEST_SECRET).issue(links[5].invitation.invitation_id, WAVE),
            bearer={role: staff_token(role) for role in ("admin", "analyst", "viewer")}, session=session,
            session_csrf=token_for("session", session), login_nonce=nonce, login_csrf=token_for("login", nonce),
            comment_id=comment, followup_id=followup)
        with chalice_local(table, dynamodb_local_endpoint, tmp_path_factory.mktemp("hostile")) as url:
            yield world, table, url
    finally:
        restore_environment(saved)
        table.client.delete_table(TableName=table.name)


def test_hostile_sweep_has_no_failures_no_5xx_no_drops_and_writes_nothing_on_error(sweep):
    from app import app
    from chalicelib import wiring

    world, table, url = sweep
    cases = all_cases(world)
    assert len(cases) >= 700
    board = Scoreboard()
    run_cases(cases, HttpTransport(url), lambda: table_dump(table), board)
    wiring.reset()
    run_cases(cases, EventTransport(app), lambda: table_dump(table), board)

    runner, files = CliRunner(), cli_imports()
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"hostile-csv-{table.name}"
    tmp.mkdir(exist_ok=True)
    for name, text in files:
        path = tmp / "partners.csv"
        path.write_text(text, "utf-8", errors="surrogatepass")
        before = table_dump(table)
        result = runner.invoke(cli, ["--stage", "test", "partners", "import", str(path)])
        board.cases += 1
        board.by_group["cli_imports"] = board.by_group.get("cli_imports", 0) + 1
        label = f"cli partners import {name} -> exit {result.exit_code}"
        if result.exception and not isinstance(result.exception, SystemExit):
            board.dropped.append(f"{label} ({type(result.exception).__name__})")
        if result.exit_code != 2:
            board.failures.append(label)
        if table_dump(table) != before:
            board.writes_on_error.append(label)

    summary = {"distinct_http_cases": len(cases), "cli_files": len(files), **board.summary()}
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "hostile-summary.json").write_text(json.dumps(summary, indent=2), "utf-8")
    print(json.dumps({k: v for k, v in summary.items() if k != "examples"}))
    problems = summary["examples"]
    assert (summary["failures"], summary["server_errors"], summary["dropped"], summary["writes_on_error"]) \
        == (0, 0, 0, 0), json.dumps(problems, indent=1)

