"""The JSON API's invitation view is enough for a client, and docs/openapi.yaml describes it.

Contract: every body the app returns validates against the documented schema (converted from
OpenAPI 3.0 to JSON Schema here), and every documented answer shape (matrix object, "na") is
accepted by the app when the survey allows it.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema_rs
import pytest
import yaml
from chalice.test import Client

from chalicelib.domain.logic import resolve_partner
from chalicelib.domain.partners import Contact
from tests.builders import given_open_wave, make_partner, token_of

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text("utf-8"))
LOGIC = yaml.safe_load((ROOT / "examples" / "pulse-logic.yaml").read_text("utf-8"))
JSON = {"Content-Type": "application/json"}


def _json_schema(node):
    """OpenAPI 3.0 -> JSON Schema: refs into $defs, ``nullable`` into a null alternative."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/$defs/")
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def validator(name: str):
    defs = _json_schema(OPENAPI["components"]["schemas"])
    return jsonschema_rs.Draft202012Validator({"$ref": f"#/$defs/{name}", "$defs": defs})


def _contact(language: str) -> Contact:
    return Contact(f"c-{language}", f"Contact {language}", f"{language}@p.example", language)


@pytest.fixture
def world(moto_table, tokens, app_env):
    partners = [replace(make_partner("P001", tier="advanced", name="Acme GmbH"), contacts=(_contact("de"),)),
                replace(make_partner("P002", tier="enrolled", name="Beta Ltd"), contacts=(_contact("es"),))]
    repos, links = given_open_wave(moto_table, tokens, partners, definition=LOGIC)
    app_env(moto_table)
    with Client(app_module().app, stage_name="test") as client:
        yield client, repos, {link.partner.partner_id: link for link in links}


def app_module():
    import app

    return app


def get_view(client, link):
    response = client.http.get(f"/api/v1/invitations/{token_of(link)}")
    assert response.status_code == 200, response.body
    return response.json_body


def questions(view) -> dict:
    return {q["id"]: q for s in view["sections"] for q in s["questions"]}


def test_the_view_serves_a_language_the_survey_has_with_piping_and_partner_logic_done(world):
    client, _, links = world
    # Given a German contact of an advanced partner on an en/es survey, and a Spanish enrolled one
    german, spanish = get_view(client, links["P001"]), get_view(client, links["P002"])
    # Then the German contact is served the default language, the Spanish one Spanish
    assert (german["language"], spanish["language"]) == ("en", "es")
    assert german["language"] in german["languages"]
    # piping is done in every text
    assert "{partner." not in json.dumps(german) + json.dumps(spanish)
    assert "Acme GmbH" in questions(german)["q_nps"]["text"]
    assert "Beta Ltd" in questions(spanish)["q_nps"]["text"]
    # the tier-conditioned section applies to the advanced partner only; its partner condition is
    # decided, only the answer-based part remains
    assert "q_experience" in questions(german) and "q_experience" not in questions(spanish)
    assert questions(german)["q_experience"]["show_if"] is None
    assert questions(german)["q_payouts_why"]["show_if"] == {"question": "q_experience.payouts", "max": 2}
    assert questions(spanish)["q_fix_first"]["show_if"] == {"question": "q_nps", "max": 6}
    assert questions(german)["q_experience"]["items"][0] == {"id": "portal", "label": "the partner portal"}
    assert questions(german)["q_experience"]["scale"]["max"] == 5
    # and both bodies are what docs/openapi.yaml says
    for view in (german, spanish):
        validator("InvitationView").validate(view)


def test_every_documented_answer_shape_is_accepted_and_read_back(world):
    client, _, links = world
    link = links["P001"]
    view = get_view(client, link)
    answers = {"q_nps": 4, "q_fix_first": "payouts", "q_programs_used": ["technical_assessment"],
               "q_sat_ta": "na", "q_experience": {"portal": 4, "support": "na", "payouts": 1},
               "q_payouts_why": "late"}
    body = {"answers": answers, "language": view["language"]}
    # The body is a documented Submission, and every answered question is one the view listed
    validator("Submission").validate(body)
    assert set(answers) <= set(questions(view))
    put = client.http.put(f"/api/v1/invitations/{token_of(link)}/response", headers=JSON, body=json.dumps(body))
    assert put.status_code == 201, put.body
    validator("SubmitResult").validate(put.json_body)
    again = get_view(client, link)
    validator("InvitationView").validate(again)
    assert again["response"]["answers"]["q_experience"] == {"portal": 4, "support": "na", "payouts": 1}


def test_an_answer_to_a_question_the_view_left_out_is_refused_naming_it(world):
    client, repos, links = world
    link = links["P002"]  # enrolled: the experience section does not apply
    body = {"answers": {"q_nps": 9, "q_experience": {"portal": 4}}, "language": "es"}
    put = client.http.put(f"/api/v1/invitations/{token_of(link)}/response", headers=JSON, body=json.dumps(body))
    assert put.status_code == 400
    validator("Error").validate(put.json_body)
    assert any(e["field"].startswith("answers.q_experience") for e in put.json_body["errors"])
    assert repos.responses.get(link.invitation.invitation_id) is None


def test_a_cancelled_invitation_view_is_a_documented_410(world):
    client, repos, links = world
    link = links["P001"]
    repos.invitations.transition(link.invitation.invitation_id, "cancel", "2026-01-01T00:00:00Z")
    response = client.http.get(f"/api/v1/invitations/{token_of(link)}")
    assert response.status_code == 410 and response.json_body["state"] == "cancelled"
    validator("Error").validate(response.json_body)
    assert "410" in OPENAPI["paths"]["/api/v1/invitations/{token}"]["get"]["responses"]


@pytest.mark.parametrize(("condition", "partner", "expected"), [
    ({"partner": "tier", "in": ["advanced"]}, {"tier": "advanced"}, None),
    ({"partner": "tier", "in": ["advanced"]}, {"tier": "enrolled"}, False),
    ({"all": [{"partner": "tier", "equals": "advanced"}, {"question": "q", "min": 3}]}, {"tier": "advanced"},
     {"question": "q", "min": 3}),
    ({"all": [{"partner": "tier", "equals": "advanced"}, {"question": "q", "min": 3}]}, {"tier": "x"}, False),
    ({"any": [{"partner": "tier", "equals": "advanced"}, {"question": "q", "min": 3}]}, {"tier": "advanced"}, None),
    ({"any": [{"partner": "tier", "equals": "advanced"}, {"question": "q", "min": 3}]}, {"tier": "x"},
     {"question": "q", "min": 3}),
    ({"not": {"partner": "programs", "includes": "poc"}}, {"programs": ["poc"]}, False),
    ({"not": {"question": "q", "answered": True}}, {}, {"not": {"question": "q", "answered": True}}),
])
def test_partner_conditions_are_decided_and_answer_conditions_kept(condition, partner, expected):
    assert resolve_partner(condition, partner) == expected
