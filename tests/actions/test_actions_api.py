"""Actions and changes through the staff API (moto): roles, scope, workflow, export, reminders, no Scan."""
import json
from datetime import UTC, date, datetime

import pytest

from tests.builders import TEST_SECRET

BASE = "/api/v1/staff"


def token(role, scope=None, subject="someone@vendor.example"):
    from chalicelib.security.staff import StaffTokens, parse_scope

    return StaffTokens(TEST_SECRET).issue(subject, role, parse_scope(scope), 3600)


def headers(role, scope=None):
    return {"authorization": f"Bearer {token(role, scope)}", "content-type": "application/json"}


@pytest.fixture
def api(moto_table, app_env, monkeypatch, tmp_path):
    from chalice.test import Client

    monkeypatch.setenv("PULSE_STAGE", "test")
    monkeypatch.setenv("PULSE_OUTBOX_DIR", str(tmp_path / "outbox"))
    operations = []
    original = moto_table.client._make_api_call

    def recording(name, params):
        operations.append(name)
        return original(name, params)

    monkeypatch.setattr(moto_table.client, "_make_api_call", recording)
    wiring = app_env(moto_table)
    monkeypatch.setattr(wiring, "dynamodb_client", lambda: moto_table.client)
    from app import app

    with Client(app, stage_name="test") as client:
        yield client, operations, tmp_path / "outbox"


def body(region="EMEA", **overrides):
    data = {"title": "Faster payouts", "owner": "lead@vendor.example", "due": "2026-04-30",
            "finding": {"kind": "driver", "wave_id": "px-2026-h1", "ref": "q_incentive", "label": "Incentive terms"},
            "metrics": ["nps:q_nps"], "segments": {"regions": [region]}, "direction": "up"}
    return json.dumps({**data, **overrides})


def post(client, path, role, payload, scope=None):
    return client.http.post(f"{BASE}{path}", headers=headers(role, scope), body=payload)


def test_an_action_moves_through_its_statuses_via_the_api(api):
    client, operations, _ = api
    created = post(client, "/actions", "analyst", body())
    assert created.status_code == 201, created.body
    action = json.loads(created.body)
    path = f"{BASE}/actions/{action['action_id']}"
    for status in ("approved", "in_progress", "done"):
        moved = client.http.patch(path, headers=headers("admin"), body=json.dumps({"status": status, "note": status}))
        assert moved.status_code == 200 and json.loads(moved.body)["status"] == status
    back = client.http.patch(path, headers=headers("admin"), body=json.dumps({"status": "proposed"}))
    assert back.status_code == 400 and json.loads(back.body)["errors"][0]["field"] == "status"
    stored = json.loads(client.http.get(path, headers=headers("viewer")).body)
    assert stored["status"] == "done" and len(stored["notes"]) == 3
    assert "Scan" not in operations


def test_viewers_cannot_write_and_bad_input_changes_nothing(api):
    client, _, _ = api
    assert post(client, "/actions", "viewer", body()).status_code == 403
    bad = post(client, "/actions", "analyst", body(owner="nobody", due="soon"))
    assert bad.status_code == 400
    assert {e["field"] for e in json.loads(bad.body)["errors"]} == {"owner", "due"}
    listed = json.loads(client.http.get(f"{BASE}/actions", headers=headers("admin")).body)
    assert listed["total"] == 0


def test_scoped_viewer_sees_only_actions_and_changes_of_its_scope(api):
    client, _, _ = api
    emea = json.loads(post(client, "/actions", "analyst", body("EMEA")).body)
    apj = json.loads(post(client, "/actions", "analyst", body("APJ")).body)
    seen = json.loads(client.http.get(f"{BASE}/actions", headers=headers("viewer", "region=EMEA")).body)
    assert [a["action_id"] for a in seen["items"]] == [emea["action_id"]]
    hidden = client.http.get(f"{BASE}/actions/{apj['action_id']}", headers=headers("viewer", "region=EMEA"))
    assert hidden.status_code == 404
    for region in ("EMEA", "APJ"):
        change = {"id": f"portal-{region.lower()}", "description": "new portal", "effective": "2026-02-01",
                  "segments": {"regions": [region]}, "metrics": ["nps:q_nps"]}
        assert post(client, "/changes", "admin", json.dumps(change)).status_code == 201
    changes = json.loads(client.http.get(f"{BASE}/changes", headers=headers("viewer", "region=EMEA")).body)
    assert [c["change_id"] for c in changes["items"]] == ["portal-emea"]
    assert client.http.get(f"{BASE}/changes/portal-apj", headers=headers("viewer", "region=EMEA")).status_code == 404


def test_filters_and_csv_export_neutralise_formulas(api):
    client, _, _ = api
    post(client, "/actions", "analyst", body(title="=HYPERLINK(\"http://evil\") fix"))
    post(client, "/actions", "analyst", body(finding={"kind": "theme", "wave_id": "px-2026-h1", "ref": "payouts"}))
    themed = json.loads(client.http.get(f"{BASE}/actions?kind=theme", headers=headers("admin")).body)
    assert themed["total"] == 1 and themed["items"][0]["finding_key"] == "theme:px-2026-h1:payouts"
    unknown = client.http.get(f"{BASE}/actions?colour=red", headers=headers("admin"))
    assert unknown.status_code == 400 and json.loads(unknown.body)["errors"][0]["field"] == "colour"
    export = client.http.get(f"{BASE}/actions?format=csv", headers=headers("admin"))
    assert export.status_code == 200 and "'=HYPERLINK" in export.body.decode()


def test_duplicate_change_id_is_a_conflict(api):
    client, _, _ = api
    change = json.dumps({"id": "tiers-2026", "description": "tiers redrawn", "effective": "2026-01-01"})
    assert post(client, "/changes", "analyst", change).status_code == 201
    assert post(client, "/changes", "analyst", change).status_code == 409


def test_overdue_reminder_mails_the_owner_once_a_day(api):
    from chalicelib import wiring
    from chalicelib.services.actions import remind_overdue

    client, operations, outbox = api
    post(client, "/actions", "analyst", body(due="2026-02-01"))
    post(client, "/actions", "analyst", body(due="2026-09-01"))
    stores, now = wiring.plan_stores(), datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert remind_overdue(stores.actions, wiring.mailer(), "pulse@vendor.example", "http://pulse.test", now) == 1
    assert remind_overdue(stores.actions, wiring.mailer(), "pulse@vendor.example", "http://pulse.test", now) == 0
    mails = list(outbox.rglob("*.eml"))
    assert len(mails) == 1 and "Overdue action: Faster payouts" in mails[0].read_text()
    assert "Scan" not in operations
    from chalicelib.security.staff import StaffIdentity
    from chalicelib.services.actions import list_actions

    overdue = list_actions(stores.actions, StaffIdentity("a@vendor.example", "admin"), {"overdue": "true"},
                           date(2026, 3, 1))
    assert [a["due"] for a in overdue] == ["2026-02-01"]


def test_the_hourly_reminder_tick_mails_overdue_action_owners(api):
    client, operations, outbox = api
    post(client, "/actions", "analyst", body(due="2020-01-31"))
    result = client.lambda_.invoke("send_due_reminders", client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
    assert result.payload == {"enabled": False, "waves": [], "actions_reminded": 1}
    assert len(list(outbox.rglob("*.eml"))) == 1
    assert "Scan" not in operations
