"""Every payload of the shared hostile corpus typed into a comment comes back escaped."""
from pathlib import Path
from urllib.parse import urlencode

import yaml
from chalice.test import Client

from app import app
from tests.builders import given_open_wave, make_partner, token_of
from tests.reliability.payloads import xss_is_live, xss_payloads

ROOT = Path(__file__).resolve().parents[2]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_hostile_comments_are_escaped_when_saved_and_when_rejected(moto_table, tokens, app_env):
    definition = yaml.safe_load((ROOT / "examples" / "partner-experience.yaml").read_text("utf-8"))
    repos, links = given_open_wave(moto_table, tokens, [make_partner("P1")], definition=definition)
    app_env(moto_table)
    token = token_of(links[0])
    payloads = xss_payloads()
    assert len(payloads) >= 100
    with Client(app, stage_name="test") as client:
        for first, second in zip(payloads[::2], payloads[1::2] + payloads[:1], strict=False):
            saved = client.http.post(f"/s/{token}", headers=FORM, body=urlencode(
                {"_action": "save", "q_nps_reason": first, "q_fix_first": second}))
            assert saved.status_code == 303, (first, second)
            page = client.http.get(f"/s/{token}").body.decode()
            assert not xss_is_live(page, first) and not xss_is_live(page, second), (first, second)
        stored = repos.responses.get(links[0].invitation.invitation_id).answers
        assert (stored["q_nps_reason"], stored["q_fix_first"]) == (first, second)
        for payload in payloads[:9]:  # below the rate limit: a submit missing required answers is a 400
            rejected = client.http.post(f"/s/{token}", headers=FORM, body=urlencode({"q_fix_first": payload}))
            assert rejected.status_code == 400
            assert not xss_is_live(rejected.body.decode(), payload), payload
