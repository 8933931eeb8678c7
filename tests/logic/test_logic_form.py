"""The paged form over HTTP (no browser): each page posts its own questions, the server merges,
drops answers to questions the logic hides, and moves page by page."""
from urllib.parse import urlencode

import pytest
from chalice.test import Client

from app import app
from tests.builders import given_open_wave, make_partner, token_of
from tests.logic.builders import logic_definition

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def paged(moto_table, tokens, app_env):
    repos, [link] = given_open_wave(moto_table, tokens, [make_partner("P001", tier="principal")],
                                    definition=logic_definition(layout="pages"))
    app_env(moto_table)
    with Client(app, stage_name="test") as client:
        yield client, repos, link


def post(client, link, fields):
    return client.http.post(f"/s/{token_of(link)}", headers=FORM, body=urlencode(fields, doseq=True))


def test_pages_merge_answers_drop_hidden_ones_and_submit(paged):
    client, repos, link = paged
    first = client.http.get(f"/s/{token_of(link)}")
    assert b"Section 1 of 2" in first.body and b'name="_page" value="overall"' in first.body
    assert b'id="wrap-q_why_low" data-show-if=' in first.body and b"hidden" in first.body
    # q_why_low is hidden for an NPS of 9: the form drops it instead of storing it
    moved = post(client, link, {"_page": "overall", "_action": "next", "q_nps": "9", "q_why_low": "typed anyway",
                                "q_programs": "proof_of_concept"})
    assert moved.status_code == 303 and moved.headers["Location"].endswith("?page=top_tier")
    stored = repos.responses.get(link.invitation.invitation_id)
    assert stored.status == "partial" and stored.answers == {"q_nps": 9, "q_programs": ["proof_of_concept"]}
    page_two = client.http.get(f"/s/{token_of(link)}?page=top_tier")
    assert b"Section 2 of 2" in page_two.body and b'scope="row"' in page_two.body
    assert b"For Principal partners" in page_two.body  # piped tier label
    missing = post(client, link, {"_page": "top_tier", "_action": "submit", "q_matrix.portal": "4"})
    assert missing.status_code == 400 and b"q_matrix-error" in missing.body
    done = post(client, link, {"_page": "top_tier", "_action": "submit", "q_matrix.portal": "4",
                               "q_matrix.support": "na", "q_matrix.payouts": "5"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/thanks")
    stored = repos.responses.get(link.invitation.invitation_id)
    assert stored.status == "submitted"
    assert stored.answers == {"q_nps": 9, "q_programs": ["proof_of_concept"],
                              "q_matrix": {"portal": 4, "support": "na", "payouts": 5}}


def test_a_revealed_required_question_keeps_the_partner_on_the_page(paged):
    client, repos, link = paged
    again = post(client, link, {"_page": "overall", "_action": "next", "q_nps": "3"})
    assert again.status_code == 303 and again.headers["Location"].endswith("?page=overall&revealed=q_why_low")
    page = client.http.get(f"/s/{token_of(link)}?page=overall&revealed=q_why_low")
    assert b'id="revealed-notice"' in page.body and b'href="#q_why_low' in page.body  # announced
    assert b'id="wrap-q_why_low" data-show-if=' in page.body
    assert b'id="wrap-q_why_low" data-show-if="{&#34;question&#34;:&#34;q_nps&#34;,&#34;max&#34;:6}">' in page.body
