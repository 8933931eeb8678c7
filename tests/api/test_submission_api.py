"""The submission API through chalice.test.Client, on moto."""
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from chalice.test import Client

from app import app
from chalicelib.domain.errors import ConcurrentUpdate
from chalicelib.services.submissions import submit_response
from tests.builders import NOW, VALID_ANSWERS, given_open_wave, make_partner, token_of

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def world(moto_table, tokens, app_env):
    repos, links = given_open_wave(moto_table, tokens, [make_partner("P001", contacts=2)])
    app_env(moto_table)
    with Client(app, stage_name="test") as client:
        yield client, repos, links


def put(client, link_or_token, body, headers=JSON):
    token = link_or_token if isinstance(link_or_token, str) else token_of(link_or_token)
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.http.put(f"/api/v1/invitations/{token}/response", headers=headers, body=raw)


def stored(repos, link):
    return repos.responses.get(link.invitation.invitation_id)


def test_healthz_reports_the_table(world):
    client, _, _ = world
    response = client.http.get("/healthz")
    assert response.status_code == 200
    assert response.json_body == {"status": "ok", "dynamodb": "ok"}


def test_healthz_is_503_when_the_table_is_missing(world, monkeypatch):
    client, _, _ = world
    from chalicelib import wiring

    monkeypatch.setenv("PULSE_TABLE", "no-such-table")
    wiring.reset()
    response = client.http.get("/healthz")
    assert response.status_code == 503
    assert "ResourceNotFoundException" in response.json_body["dynamodb"]


def test_submit_then_resubmit_updates_with_a_version(world):
    client, repos, [link, _] = world
    first = put(client, link, {"answers": VALID_ANSWERS, "language": "en"})
    assert first.status_code == 201 and first.json_body["version"] == 1
    second = put(client, link, {"answers": {**VALID_ANSWERS, "q_nps": 3}, "language": "es"})
    assert second.status_code == 200 and second.json_body["version"] == 2
    response = stored(repos, link)
    assert (response.version, response.answers["q_nps"], response.language) == (2, 3, "es")
    assert response.partner["tier"] == "advanced" and response.partner["region"] == "EMEA"


def test_create_only_second_submission_is_409(world):
    client, repos, [link, _] = world
    assert put(client, link, {"answers": VALID_ANSWERS, "language": "en", "create_only": True}).status_code == 201
    again = put(client, link, {"answers": VALID_ANSWERS, "language": "en", "create_only": True})
    assert again.status_code == 409 and again.json_body["error"] == "already_submitted"
    assert stored(repos, link).version == 1


def test_snapshot_keeps_the_tier_at_submit_time(world):
    client, repos, [link, other] = world
    put(client, link, {"answers": VALID_ANSWERS, "language": "en"})
    repos.partners.put_many([make_partner("P001", contacts=2, tier="principal")], "t")
    put(client, other, {"answers": VALID_ANSWERS, "language": "en"})
    assert stored(repos, link).partner["tier"] == "advanced"
    assert stored(repos, other).partner["tier"] == "principal"


@pytest.mark.parametrize("body,field", [
    ({"answers": {**VALID_ANSWERS, "q_ghost": 1}, "language": "en"}, "answers.q_ghost"),
    ({"answers": {**VALID_ANSWERS, "q_nps": "nine"}, "language": "en"}, "answers.q_nps"),
    ({"answers": {**VALID_ANSWERS, "q_nps": 11}, "language": "en"}, "answers.q_nps"),
    ({"answers": {**VALID_ANSWERS, "q_portal": 0}, "language": "en"}, "answers.q_portal"),
    ({"answers": {"q_comment": "no scores"}, "language": "en"}, "answers.q_nps"),
    ({"answers": {**VALID_ANSWERS, "q_comment": "x" * 51}, "language": "en"}, "answers.q_comment"),
    ({"answers": {**VALID_ANSWERS, "q_model": "other"}, "language": "en"}, "answers.q_model"),
    ({"answers": VALID_ANSWERS, "language": "fr"}, "language"),
    ({"answers": VALID_ANSWERS, "language": "en", "admin": True}, "admin"),
    ({"answers": "all good", "language": "en"}, "answers"),
    ([1, 2, 3], "(body)"),
])
def test_invalid_answers_are_400_naming_the_field_and_write_nothing(world, body, field):
    client, repos, [link, _] = world
    response = put(client, link, body)
    assert response.status_code == 400
    assert field in [e["field"] for e in response.json_body["errors"]]
    assert stored(repos, link) is None


@pytest.mark.parametrize("raw,headers,status,code", [
    ('{"answers": {', JSON, 400, "invalid_json"),
    ("", JSON, 400, "invalid_json"),
    ('{"answers": NaN, "language": "en"}', JSON, 400, "invalid_json"),
    (b"\xff\xfe", JSON, 400, "invalid_json"),
    ('{"answers": {}, "language": "en"}', {"Content-Type": "text/plain"}, 415, "unsupported_media_type"),
    ("answers=1", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"),
    ('{"answers": {"q_comment": "' + "x" * 70_000 + '"}, "language": "en"}', JSON, 413, "too_large"),
])
def test_malformed_bodies_are_4xx_and_write_nothing(world, raw, headers, status, code):
    client, repos, [link, _] = world
    response = put(client, link, raw, headers=headers)
    assert response.status_code == status
    assert response.json_body["error"] == code
    assert stored(repos, link) is None


def test_bad_tokens_all_get_the_same_404(world, tokens):
    client, repos, [link, _] = world
    token = token_of(link)
    from chalicelib.security.tokens import InvitationClaims

    unknown = tokens.issue(InvitationClaims("unknown-invitation", "P001", "w-test"))
    wrong_partner = tokens.issue(InvitationClaims(link.invitation.invitation_id, "P999", "w-test"))
    wrong_wave = tokens.issue(InvitationClaims(link.invitation.invitation_id, "P001", "other-wave"))
    bodies = set()
    for bad in (token[:-2] + "xx", "garbage", unknown, wrong_partner, wrong_wave, "a" * 1000):
        response = put(client, bad, {"answers": VALID_ANSWERS, "language": "en"})
        assert response.status_code == 404
        bodies.add(response.body)
    assert len(bodies) == 1
    assert stored(repos, link) is None


def test_closed_or_expired_wave_is_410(world, moto_table, tokens):
    client, repos, [link, _] = world
    repos.waves.close("w-test", "2026-01-01T00:00:00Z")
    response = put(client, link, {"answers": VALID_ANSWERS, "language": "en"})
    assert response.status_code == 410 and "closed" in response.json_body["message"]
    _, old_links = given_open_wave(moto_table, tokens, [make_partner("P002")], wave_id="w-old",
                                   now=NOW - timedelta(days=90))
    expired = old_links[0]
    assert put(client, expired, {"answers": VALID_ANSWERS, "language": "en"}).status_code == 410
    assert stored(repos, link) is None and stored(repos, expired) is None


def test_partial_save_does_not_need_required_answers(world):
    client, repos, [link, _] = world
    response = put(client, link, {"answers": {"q_comment": "later"}, "language": "en", "final": False})
    assert response.status_code == 201 and response.json_body["status"] == "partial"
    view = client.http.get(f"/api/v1/invitations/{token_of(link)}")
    assert view.json_body["response"]["answers"] == {"q_comment": "later"}
    assert view.json_body["survey"]["id"] == "px-test"


def test_security_headers_are_on_every_response(world):
    client, _, _ = world
    for response in (client.http.get("/healthz"), put(client, "bad", {})):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.dynamodb_local
def test_concurrent_identical_submissions_store_one_response(local_table, tokens):
    """50 threads submit for one invitation against DynamoDB Local: exactly one response."""
    repos, [link] = given_open_wave(local_table, tokens)
    body = {"answers": VALID_ANSWERS, "language": "en"}

    def attempt(_):
        try:
            return submit_response(repos, tokens, token_of(link), body, NOW).created
        except ConcurrentUpdate:
            return "conflict"

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(attempt, range(50)))
    items = list(local_table.query_all(f"INVITE#{link.invitation.invitation_id}"))
    responses = [i for i in items if i["SK"] == "RESPONSE"]
    assert len(responses) == 1
    assert outcomes.count(True) == 1
    assert responses[0]["version"] == outcomes.count(True) + outcomes.count(False)
