"""Tokens and partner isolation: forged links get nothing, no partner reaches another's data."""
import base64
import json
import random

import pytest
from chalice.test import Client

from app import app
from chalicelib.domain.errors import InvitationNotFound
from chalicelib.security.tokens import InvitationClaims
from tests.builders import VALID_ANSWERS, given_open_wave, make_partner, token_of

JSON = {"Content-Type": "application/json"}
RANDOM_TOKENS = 10_000


def well_formed_token(rng: random.Random) -> str:
    """Same shape as a real token: base64url JSON payload, '.', 27-character signature."""
    payload = json.dumps([base64.urlsafe_b64encode(rng.randbytes(16)).rstrip(b"=").decode(),
                          f"P{rng.randint(0, 9999):04d}", "w-test"], separators=(",", ":"))
    encoded = base64.urlsafe_b64encode(payload.encode()).rstrip(b"=").decode()
    signature = base64.urlsafe_b64encode(rng.randbytes(20)).rstrip(b"=").decode()
    return f"{encoded}.{signature}"


def test_ten_thousand_random_well_formed_tokens_are_all_refused(tokens):
    rng = random.Random(7)
    accepted = 0
    for _ in range(RANDOM_TOKENS):
        try:
            tokens.read(well_formed_token(rng))
            accepted += 1
        except InvitationNotFound:
            pass
    assert accepted == 0


@pytest.fixture
def twenty_partners(moto_table, tokens, app_env):
    partners = [make_partner(f"P{i:03d}") for i in range(20)]
    repos, links = given_open_wave(moto_table, tokens, partners)
    app_env(moto_table)
    with Client(app, stage_name="test") as client:
        yield client, repos, links


def test_random_tokens_through_the_api_get_identical_404s(twenty_partners):
    client, repos, _ = twenty_partners
    rng = random.Random(11)
    bodies = set()
    for _ in range(200):
        token = well_formed_token(rng)
        for response in (client.http.get(f"/api/v1/invitations/{token}"),
                         client.http.put(f"/api/v1/invitations/{token}/response", headers=JSON,
                                         body=json.dumps({"answers": VALID_ANSWERS, "language": "en"}))):
            assert response.status_code == 404
            bodies.add(response.body)
    assert len(bodies) == 1
    assert list(repos.responses.for_wave("w-test")) == []


def test_valid_token_for_another_wave_is_404(twenty_partners, moto_table, tokens):
    client, _, links = twenty_partners
    given_open_wave(moto_table, tokens, [make_partner("P000")], wave_id="w-other")
    moved = tokens.issue(InvitationClaims(links[0].invitation.invitation_id, links[0].partner.partner_id, "w-other"))
    assert client.http.get(f"/api/v1/invitations/{moved}").status_code == 404


def test_no_partner_token_reaches_another_partners_response(twenty_partners, tokens):
    """20 partners: each one's token against every other partner's data: 0 of 380 succeed."""
    client, repos, links = twenty_partners
    for index, link in enumerate(links):
        answers = {**VALID_ANSWERS, "q_nps": index % 11, "q_comment": f"secret of {link.partner.partner_id}"}
        client.http.put(f"/api/v1/invitations/{token_of(link)}/response", headers=JSON,
                        body=json.dumps({"answers": answers, "language": "en"}))
    attempts = leaks = 0
    for own in links:
        for other in links:
            if own is other:
                continue
            attempts += 1
            # Splice: own signature over the other's claims, and the other's ids under own token.
            forged = [
                token_of(other).split(".")[0] + "." + token_of(own).split(".")[1],
                tokens.issue(InvitationClaims(own.invitation.invitation_id, other.partner.partner_id, "w-test")),
                tokens.issue(InvitationClaims(other.invitation.invitation_id, own.partner.partner_id, "w-test")),
            ]
            for token in forged:
                view = client.http.get(f"/api/v1/invitations/{token}")
                if view.status_code != 404:
                    leaks += 1
            seen = client.http.get(f"/api/v1/invitations/{token_of(own)}").json_body["response"]["answers"]
            if seen["q_comment"] != f"secret of {own.partner.partner_id}":
                leaks += 1
    assert attempts == 380
    assert leaks == 0
    for link in links:
        assert repos.responses.get(link.invitation.invitation_id).version == 1
