"""The submission API applies the survey logic: hidden questions are neither required nor accepted."""
import json

import pytest
from chalice.test import Client

from app import app
from tests.builders import given_open_wave, make_partner, token_of
from tests.logic.builders import logic_definition

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def world(moto_table, tokens, app_env):
    partners = [make_partner("P001", tier="enrolled", programs=()),
                make_partner("P002", tier="principal", programs=("proof_of_concept",))]
    repos, links = given_open_wave(moto_table, tokens, partners, definition=logic_definition())
    app_env(moto_table)
    by_partner = {link.partner.partner_id: link for link in links}
    with Client(app, stage_name="test") as client:
        yield client, repos, by_partner


def put(client, link, answers):
    return client.http.put(f"/api/v1/invitations/{token_of(link)}/response", headers=JSON,
                           body=json.dumps({"answers": answers, "language": "en"}))


def test_hidden_questions_are_not_required(world):
    client, repos, links = world
    response = put(client, links["P001"], {"q_nps": 9})  # enrolled: no matrix section, no follow-ups
    assert response.status_code == 201, response.json_body
    stored = repos.responses.get(links["P001"].invitation.invitation_id)
    assert stored.answers == {"q_nps": 9} and stored.partner["tier"] == "enrolled"


def test_an_answer_to_a_hidden_question_is_a_400_naming_it_and_writes_nothing(world):
    client, repos, links = world
    response = put(client, links["P001"], {"q_nps": 9, "q_matrix": {"portal": 4, "support": 4, "payouts": 4}})
    assert response.status_code == 400
    body = json.dumps(response.json_body)
    assert "answers.q_matrix" in body and "hidden" in body
    assert repos.responses.get(links["P001"].invitation.invitation_id) is None


def test_shown_questions_are_required_for_the_partner_they_apply_to(world):
    client, repos, links = world
    missing = put(client, links["P002"], {"q_nps": 9})
    assert missing.status_code == 400 and "answers.q_matrix" in json.dumps(missing.json_body)
    ok = put(client, links["P002"], {"q_nps": 9, "q_matrix": {"portal": 4, "support": "na", "payouts": 2},
                                      "q_payouts_why": "slow"})
    assert ok.status_code == 201, ok.json_body
    assert repos.responses.get(links["P002"].invitation.invitation_id).answers["q_matrix"]["support"] == "na"
