"""End to end on DynamoDB Local: signed event -> pending pulse -> scheduled sender (fixed clock) ->
invitation e-mail in the outbox -> answer through the form's JSON API -> transactional scorecard."""
import email
import email.policy
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from chalice.test import Client

from app import app
from tests.pulses.builders import event_body, signed_headers
from tests.pulses.conftest import make_world

pytestmark = pytest.mark.dynamodb_local


def test_an_event_becomes_an_answered_pulse_in_the_scorecard(local_table, app_env, monkeypatch, tmp_path):
    world = make_world(local_table, app_env, monkeypatch, tmp_path)
    now = datetime.now(UTC).replace(microsecond=0)
    raw = json.dumps(event_body("e2e-1", now - timedelta(days=1), contact={"email": "c1.P001@partner.example"},
                                attributes={"outcome": "funded", "amount": 40000})).encode()
    with Client(app, stage_name="test") as client:
        accepted = client.http.post("/api/v1/events", headers=signed_headers(raw, now), body=raw)
        assert accepted.status_code == 202, accepted.json_body
        assert world.wiring.pulse_store().get_pending("e2e-1")["status"] == "pending"

        # the scheduled sender, an hour after the 2-day delay
        run = world.run(now + timedelta(days=1, hours=1))
        assert run["sent"] == 1, run
        [mail] = world.mails()
        message = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        token = re.search(r"http://pulse\.test/s/([A-Za-z0-9._-]+)", text).group(1)

        # the contact answers through the same JSON API as the relationship survey
        opened = client.http.get(f"/api/v1/invitations/{token}")
        assert opened.status_code == 200 and opened.json_body["survey"]["id"] == "pulse-poc-funded"
        answer = {"answers": {"q_score": 3, "q_ease": 2, "q_comment": "Funding took three weeks."},
                  "language": "en", "final": True}
        saved = client.http.put(f"/api/v1/invitations/{token}/response", headers={"Content-Type": "application/json"},
                                body=json.dumps(answer))
        assert saved.status_code == 201, saved.json_body

    from chalicelib.services.program import current_program
    from chalicelib.services.pulse_results import build_pulse_results

    doc = build_pulse_results(world.repos, world.wiring.pulse_store(), current_program(world.repos),
                              now + timedelta(days=2), threshold=1, min_partners=1)
    poc = next(t for t in doc["event_types"] if t["event_type"] == "poc_funded")
    assert (poc["events"], poc["invited"], poc["respondents"]) == (1, 1, 1)
    assert poc["scorecard"]["overall"]["nps"]["value"] == -100.0  # one detractor
    assert [c["segment"]["outcome"] for c in poc["attributes"]["outcome"]] == ["funded"]
    # released to readers on the real database (one transaction with its members, read back in chunks)
    from chalicelib.services.pulse_results import publish_pulse_results

    store = world.wiring.pulse_store()
    assert publish_pulse_results(world.repos, store, current_program(world.repos), now + timedelta(days=2),
                                 threshold=1, min_partners=1)["released"]
    assert store.released()["event_types"] == doc["event_types"]
    assert next(iter(store.released_members().values()))["event_type"] == "poc_funded"
