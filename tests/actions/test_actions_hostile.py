"""The hostile cases of the action and change routes (tests/hostile/cases.py ``actions_api``), as API
Gateway events against moto: no failure, no 5xx, nothing written on error. (The full sweep with
``-m hostile`` runs them over HTTP against DynamoDB Local as well.)"""
import json

from tests.hostile.blackbox import EventTransport, Scoreboard, run_cases
from tests.hostile.cases import World, actions_api
from tests.hostile.conftest import staff_token, table_dump


def test_hostile_action_and_change_requests_are_refused_without_writes(moto_table, app_env, monkeypatch):
    monkeypatch.setenv("PULSE_STAGE", "test")
    app_env(moto_table)
    from app import app

    world = World(wave="px-hostile", api_tokens=[], form_tokens=[], free_token="", unsubscribe_token="",
                  bearer={role: staff_token(role) for role in ("admin", "analyst", "viewer")}, session="",
                  session_csrf="", login_nonce="", login_csrf="", comment_id="", followup_id="")
    cases = actions_api(world)
    assert len(cases) > 250
    board = Scoreboard()
    run_cases(cases, EventTransport(app), lambda: table_dump(moto_table), board)
    summary = board.summary()
    assert (summary["failures"], summary["server_errors"], summary["dropped"], summary["writes_on_error"]) \
        == (0, 0, 0, 0), json.dumps(summary["examples"], indent=1)
