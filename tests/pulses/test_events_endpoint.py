"""``POST /api/v1/events``: signed, validated, stored once; every refusal writes nothing."""
import json
from datetime import UTC, datetime, timedelta

import pytest
from chalice.test import Client

from app import app
from chalicelib.services.program import apply_program
from tests.builders import make_partner, make_repositories
from tests.pulses.builders import EVENT_SECRETS, event_body, program_definition, signed_headers, table_items


@pytest.fixture
def world(moto_table, app_env, monkeypatch):
    repos = make_repositories(moto_table)
    apply_program(repos, program_definition(), datetime.now(UTC))
    repos.partners.put_many([make_partner("P001")], "2026-01-01T00:00:00Z")
    monkeypatch.setenv("PULSE_EVENT_SECRETS", EVENT_SECRETS)
    app_env(moto_table)
    with Client(app, stage_name="test") as client:
        yield client, moto_table


def post(client, body, **sign_options):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    now = datetime.now(UTC)
    headers = signed_headers(raw, now, **sign_options)
    return client.http.post("/api/v1/events", headers=headers, body=raw)


def recent(days: float = 1) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def test_a_good_event_is_stored_with_its_pending_pulse(world):
    client, table = world
    response = post(client, event_body("evt-good", recent()))
    assert response.status_code == 202, response.json_body
    assert response.json_body["status"] == "accepted" and "pulse_due_at" in response.json_body
    keys = {(i["PK"]["S"], i["SK"]["S"]) for i in table_items(table)}
    assert {("EVENT#evt-good", "EVENT"), ("PULSE#evt-good", "PENDING")} <= keys
    pending = table.get("PULSE#evt-good", "PENDING")
    assert pending["status"] == "pending" and isinstance(pending["expires_at"], int)  # the TTL attribute
    assert pending["GSI2PK"].startswith("PULSEDUE#")


def test_the_same_event_id_twice_is_stored_once(world):
    client, table = world
    body = event_body("evt-twice", recent())
    assert post(client, body).status_code == 202
    before = table_items(table)
    again = post(client, body)  # a replay inside the window, or the sender retrying
    assert again.status_code == 200 and again.json_body["status"] == "duplicate"
    assert table_items(table) == before


@pytest.mark.parametrize("case, options, status, field", [
    ("bad signature", {"secret": "not-the-right-secret-0000000"}, 401, "X-Pulse-Signature"),
    ("unknown source", {"source": "crm"}, 401, "X-Pulse-Source"),
    ("stale (replayed after the window)", {"skew": timedelta(minutes=-6)}, 401, "X-Pulse-Timestamp"),
    ("from the future", {"skew": timedelta(minutes=6)}, 401, "X-Pulse-Timestamp"),
])
def test_refused_signatures_write_nothing(world, case, options, status, field):
    client, table = world
    before = table_items(table)
    response = post(client, event_body("evt-x", recent()), **options)
    assert response.status_code == status, case
    assert response.json_body["errors"][0]["field"] == field
    assert table_items(table) == before


def test_an_unsigned_request_is_refused(world):
    client, table = world
    before = table_items(table)
    response = client.http.post("/api/v1/events", headers={"Content-Type": "application/json"},
                                body=json.dumps(event_body("evt-u", recent())))
    assert response.status_code == 401 and response.json_body["errors"][0]["field"] == "X-Pulse-Source"
    assert table_items(table) == before


@pytest.mark.parametrize("overrides, field", [
    ({"event_type": "webinar_attended"}, "event_type"),
    ({"attributes": {"outcome": "maybe"}}, "attributes.outcome"),
    ({"attributes": {"amount": 5}}, "attributes.outcome"),  # required attribute missing
    ({"attributes": {"outcome": "funded", "amount": "lots"}}, "attributes.amount"),
    ({"attributes": {"outcome": "funded", "colour": "red"}}, "attributes.colour"),
    ({"occurred_at": "yesterday"}, "occurred_at"),
    ({"contact": {"email": "not-an-address"}}, "contact.email"),
    ({"contact": None}, "contact"),
    ({"partner_id": "P 1"}, "partner_id"),
    ({"event_id": ""}, "event_id"),
    ({"extra": 1}, "extra"),
])
def test_schema_errors_name_the_field_and_write_nothing(world, overrides, field):
    client, table = world
    before = table_items(table)
    body = event_body("evt-bad", recent())
    body.update(overrides)
    if overrides.get("contact", "") is None:
        del body["contact"]
    response = post(client, body)
    assert response.status_code == 400, response.json_body
    assert field in [e["field"] for e in response.json_body["errors"]]
    assert table_items(table) == before


def test_malformed_json_is_a_400_and_writes_nothing(world):
    client, table = world
    before = table_items(table)
    response = post(client, b'{"event_id": ')
    assert response.status_code == 400 and response.json_body["error"] == "invalid_json"
    assert table_items(table) == before


def test_an_event_older_than_its_expiry_is_kept_but_never_pending(world):
    client, table = world
    response = post(client, event_body("evt-old", recent(30)))
    assert response.status_code == 202 and "expired" in response.json_body["pulse"]
    assert table.get("PULSE#evt-old", "PENDING") is None
    assert table.get("EVENT#evt-old", "EVENT")["reason"] == "expired"


def test_the_program_is_read_once_not_per_event(world, monkeypatch):
    """The request path's only database work is the event's one write: the program comes from a
    per-environment copy re-read at most once a minute (wiring.recent_program)."""
    from chalicelib.services import program as program_service

    client, _ = world
    reads = []
    real = program_service.current_program
    monkeypatch.setattr(program_service, "current_program", lambda repos: reads.append(1) or real(repos))
    assert post(client, event_body("evt-once-1", recent())).status_code == 202
    assert post(client, event_body("evt-once-2", recent())).status_code == 202
    assert len(reads) == 1
