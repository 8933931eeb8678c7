"""Text stored before the edge checks existed (unpaired surrogates, control characters, 5,000-character
fields) is repaired at the read edge: the partner's link, the form, the snapshot refresh (API and
CLI), the staff API and dashboard, exports, the leadership report and invitation e-mails all work."""
from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest
from click.testing import CliRunner

from pulse_cli.main import cli
from tests.builders import TEST_SECRET, restore_environment, token_of
from tests.hostile.conftest import WAVE, build_world, staff_token

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POISON = ["bad \ud800 surrogate", "low \udfff end", "ctl \x00\x1b\x7f\x85 chars", "x" * 5000 + "\ud83d",
          "bidi \u202e and nonchar \uffff"]


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory, dynamodb_local_endpoint):
    """DynamoDB Local, as in the issue (moto refuses to store unpaired surrogates; DynamoDB Local keeps them)."""
    from chalice.test import Client

    from app import app
    from chalicelib import wiring
    from chalicelib.security.tokens import InvitationTokens
    from chalicelib.services import results
    from chalicelib.storage.partners import partner_to_item
    from chalicelib.storage.responses import response_to_item
    from tests.conftest import _make_table

    out = tmp_path_factory.mktemp("poisoned")
    keys = ("PULSE_TABLE", "PULSE_TOKEN_SECRET", "PULSE_DYNAMODB_ENDPOINT", "PULSE_STAGE", "PULSE_OUTBOX_DIR",
            "PULSE_SUPPRESS_MIN_SCORES", "PULSE_SUPPRESS_MIN_COMMENTS", "PULSE_CLI_STAGE")
    saved = {k: os.environ.get(k) for k in keys}
    if True:
        table = _make_table(dynamodb_local_endpoint)
        os.environ.update({"PULSE_TABLE": table.name, "PULSE_TOKEN_SECRET": TEST_SECRET, "PULSE_STAGE": "test",
                           "PULSE_OUTBOX_DIR": str(out / "outbox"), "PULSE_SUPPRESS_MIN_SCORES": "3",
                           "PULSE_SUPPRESS_MIN_COMMENTS": "3", "PULSE_DYNAMODB_ENDPOINT": dynamodb_local_endpoint})
        repos, links = build_world(table, InvitationTokens(TEST_SECRET))
        # bypass the edge, as data written before it existed would
        # (one PutItem each: DynamoDB Local stores unpaired surrogates through PutItem and transactions)
        for i, response in enumerate(list(repos.responses.for_wave(WAVE))):
            table.put(response_to_item(replace(response, answers={
                **response.answers, "q_comment": POISON[i % len(POISON)], "q_extra": "v\x00"})))
        partner = repos.partners.get(links[1].partner.partner_id)
        contacts = tuple(replace(c, name="Name \ud800\x07") for c in partner.contacts)
        table.put(partner_to_item(replace(partner, name="Partner \udfff\x00", contacts=contacts),
                                  "2026-01-01T00:00:00Z"))
        wiring.reset()
        results.clear_cache()
        with Client(app, stage_name="test") as client:
            yield client, repos, links, table, out
    restore_environment(saved)


def _bearer(role="admin"):
    return {"Authorization": f"Bearer {staff_token(role)}"}


def _encodable(response) -> str:
    body = response.body if isinstance(response.body, bytes) else response.body.encode("utf-8")
    return body.decode("utf-8")


def test_the_partner_link_and_form_survive_poisoned_answers(poisoned):
    client, _, links, _, _ = poisoned
    token = token_of(links[0])
    api = client.http.get(f"/api/v1/invitations/{token}")
    assert api.status_code == 200
    assert "\ufffd" in json.dumps(json.loads(_encodable(api)), ensure_ascii=False)
    form = client.http.get(f"/s/{token}")
    assert form.status_code == 200 and "\ufffd" in _encodable(form)


def test_refresh_staff_api_dashboard_and_exports_survive_poisoned_data(poisoned):
    client, repos, _, _, _ = poisoned
    from chalicelib.jobs import snapshot_refresh

    refreshed = client.http.post(f"/api/v1/staff/waves/{WAVE}/snapshot", headers=_bearer())
    assert refreshed.status_code == 202, refreshed.body  # the refresh runs outside the request
    snapshot_refresh.wait_for_local_refreshes()
    assert snapshot_refresh.refresh_status(WAVE)["state"] == "done"
    for path in ("scorecard", "comments?limit=100", "themes", "followups", "exports/responses",
                 "exports/responses?format=xlsx", "exports/scorecard"):
        accept = {"Accept": XLSX} if "xlsx" in path else {}
        response = client.http.get(f"/api/v1/staff/waves/{WAVE}/{path}", headers={**_bearer(), **accept})
        assert response.status_code == 200, (path, response.body[:200])
        if "xlsx" not in path:
            _encodable(response)
    # a poisoned note in a follow-up (notes are append-only) must not break the queue
    from chalicelib import wiring

    followups = wiring.review_stores().followups
    item = followups.by_status(WAVE, "open")[0]
    followups.replace({**item, "notes": [{"by": "a@b.example", "at": "2026-01-01T00:00:00Z",
                                          "text": "note \ud800\x00"}], "version": item["version"] + 1},
                      item["version"])
    cookie = {"Cookie": f"pulse_staff={staff_token('analyst')}"}
    for page in (f"/staff?wave={WAVE}", f"/staff/comments?wave={WAVE}", f"/staff/followups?wave={WAVE}"):
        response = client.http.get(page, headers=cookie)
        assert response.status_code == 200, page
        _encodable(response)
    listed = client.http.get(f"/api/v1/staff/waves/{WAVE}/followups", headers=_bearer())
    assert listed.status_code == 200 and "note \ufffd\ufffd" in _encodable(listed)


def test_cli_refresh_report_and_invitation_mail_survive_poisoned_data(poisoned):
    _, _, _, _, out = poisoned
    runner = CliRunner()
    refreshed = runner.invoke(cli, ["--stage", "test", "snapshot", "refresh", "--wave", WAVE])
    assert refreshed.exit_code == 0, refreshed.output
    report = runner.invoke(cli, ["--stage", "test", "report", "--wave", WAVE, "--out", str(out / "report")])
    assert report.exit_code == 0, report.output
    html = next((out / "report").rglob("report.html")).read_bytes().decode("utf-8")
    assert "<html" in html
    sent = runner.invoke(cli, ["--stage", "test", "invitations", "send", "--wave", WAVE, "--yes"])
    assert sent.exit_code == 0, sent.output
    mails = list((out / "outbox").rglob("*.eml"))
    assert mails
    for mail in mails:
        mail.read_bytes().decode("utf-8")
