"""Fixtures for the experience-team review tests: the demo data in moto, a results snapshot,
staff tokens for every role and scope, and a chalice test client."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.builders import TEST_SECRET, restore_environment

WAVE = "px-2026-h1"
SMALL_WAVE = "w-small"
SMALL_COMMENTS = ["=1+1 slow payouts", "<script>alert(1)</script> Great portal", "Great portal", "Slow payouts",
                  "Portal search is <b>bad</b>"]
PAYLOADS = ["=HYPERLINK(\"http://evil.example\",\"x\") portal is bad", "<script>alert('x')</script> payouts late",
            "\uff1dcmd|' /C calc'!A0 terrible support", "+1-2 awful", "@SUM(1) bad", "-5 worse", "\tTAB awful"]
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def identified_definition() -> dict:
    """The test survey reporting ``identified``, with the consent question that gates follow-up."""
    from tests.builders import survey_definition

    definition = survey_definition(reporting="identified", consent_question="q_contact")
    definition["sections"][-1]["questions"].append(
        {"id": "q_contact", "type": "single_choice", "text": "May we contact you?",
         "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}]})
    return definition


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo seed in a moto table with a fresh snapshot of the current wave (module-wide)."""
    import os

    from moto import mock_aws

    from chalicelib import wiring
    from chalicelib.security.tokens import InvitationTokens
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds
    from pulse_cli.demo import seed_demo
    from tests.builders import make_repositories
    from tests.conftest import _make_table

    saved = {k: os.environ.get(k) for k in ("PULSE_TABLE", "PULSE_TOKEN_SECRET", "PULSE_DYNAMODB_ENDPOINT",
                                             "PULSE_STAGE")}
    with mock_aws():
        table = _make_table(None)
        repos = make_repositories(table)
        seed_demo(repos, InvitationTokens(TEST_SECRET), "http://pulse.test",
                  tmp_path_factory.mktemp("links") / "links.txt", now=NOW)
        _inject_payloads(repos)
        os.environ.update({"PULSE_TABLE": table.name, "PULSE_TOKEN_SECRET": TEST_SECRET, "PULSE_STAGE": "test"})
        os.environ.pop("PULSE_DYNAMODB_ENDPOINT", None)
        wiring.reset()
        results.clear_cache()
        stores = wiring.review_stores()
        summary = results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups, WAVE,
                                           Thresholds(), 5, NOW)
        yield {"table": table, "repos": repos, "summary": summary, "stores": stores}
        restore_environment(saved)


@pytest.fixture(scope="module")
def client(demo):
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="test") as c:
        yield c


def token(role: str, scope: str | None = None, subject: str = "someone@vendor.example", seconds: int = 3600) -> str:
    from chalicelib.security.staff import StaffTokens, parse_scope

    return StaffTokens(TEST_SECRET).issue(subject, role, parse_scope(scope), seconds)


def auth(role: str, scope: str | None = None, **kw) -> dict:
    return {"Authorization": f"Bearer {token(role, scope, **kw)}"}


def get_json(client, path: str, headers: dict | None = None):
    response = client.http.get(path, headers=headers or {})
    return response.status_code, json.loads(response.body) if response.body else None


def _inject_payloads(repos) -> None:
    """Put formula and HTML payloads into a few EMEA comments of the current wave."""
    from dataclasses import replace

    emea = [r for r in repos.responses.for_wave(WAVE)
            if r.status == "submitted" and (r.partner or {}).get("region") == "EMEA"][:len(PAYLOADS)]
    repos.responses.put_many([replace(r, answers={**r.answers, "q_nps_reason": text})
                              for r, text in zip(emea, PAYLOADS, strict=True)])


@pytest.fixture
def small(moto_table, tokens, app_env):
    from chalice.test import Client

    from app import app
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds
    from chalicelib.services.submissions import submit_response
    from tests.builders import NOW, VALID_ANSWERS, given_open_wave, make_partner, token_of

    partners = [make_partner(f"P{i:03d}") for i in range(7)]
    partners += [make_partner(f"Q{i:03d}", tier="principal", region="APJ") for i in range(3)]
    repos, links = given_open_wave(moto_table, tokens, partners, wave_id=SMALL_WAVE,
                                   definition=identified_definition())
    for i, link in enumerate(links):
        answers = {**VALID_ANSWERS, "q_nps": i % 11, "q_comment": SMALL_COMMENTS[i % len(SMALL_COMMENTS)],
                   "q_contact": "yes"}
        submit_response(repos, tokens, token_of(link), {"answers": answers, "language": "en", "final": True}, NOW)
    wiring = app_env(moto_table)
    results.clear_cache()
    stores = wiring.review_stores()
    results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups, SMALL_WAVE,
                             Thresholds(), 5, NOW)
    with Client(app, stage_name="test") as client:
        yield client
    results.clear_cache()




def login_form(client) -> tuple[dict, str]:
    """GET the sign-in page: (Cookie header carrying its CSRF nonce, the form's csrf field)."""
    import re

    page = client.http.get("/staff/login")
    nonce = page.headers["Set-Cookie"].split(";", 1)[0]
    body = page.body.decode() if isinstance(page.body, bytes) else page.body
    return {"Cookie": nonce}, re.search(r'name="csrf" value="([^"]+)"', body).group(1)


def session_form(role: str, scope: str | None = None, subject: str = "someone@vendor.example") -> tuple[dict, str]:
    """(Cookie header of a signed-in session, the csrf field its forms carry)."""
    from chalicelib.web.csrf import token_for

    value = token(role, scope, subject=subject)
    return {"Cookie": f"pulse_staff={value}"}, token_for("session", value)
