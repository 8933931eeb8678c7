"""End to end: requests that carry answers, tokens and e-mail addresses leave none of them in the logs."""
import io
import json
import logging

from chalice.test import Client

from app import app
from chalicelib.logging_setup import JsonFormatter
from tests.builders import VALID_ANSWERS, given_open_wave, make_partner, token_of

SECRET_ANSWER = "Our margin on deal DR-4411 is 7 percent, call me at eve@partner.example"


def test_submissions_errors_and_crashes_log_no_answers_tokens_or_emails(moto_table, tokens, app_env, monkeypatch):
    _, [link] = given_open_wave(moto_table, tokens, [make_partner("P001")])
    app_env(moto_table)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    token = token_of(link)
    try:
        with Client(app, stage_name="test") as client:
            body = {"answers": {**VALID_ANSWERS, "q_comment": SECRET_ANSWER[:50]}, "language": "en"}
            client.http.put(f"/api/v1/invitations/{token}/response", headers={"Content-Type": "application/json"},
                            body=json.dumps(body))
            client.http.put(f"/api/v1/invitations/{token}/response", headers={"Content-Type": "application/json"},
                            body=json.dumps({"answers": {"q_nps": SECRET_ANSWER}, "language": "en"}))

            def crash(*args, **kwargs):
                raise ValueError(f"boom while handling {SECRET_ANSWER} for {token}")

            monkeypatch.setattr("chalicelib.services.submissions.open_invitation", crash)
            crashed = client.http.get(f"/api/v1/invitations/{token}")
            assert crashed.status_code == 500 and "request_id" in crashed.json_body
            assert SECRET_ANSWER not in crashed.body.decode() and "Traceback" not in crashed.body.decode()
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    logs = stream.getvalue()
    assert "unexpected ValueError" in logs  # the crash was logged...
    for secret in (SECRET_ANSWER[:30], token, "eve@partner.example", "c0.p001@partner.example"):
        assert secret not in logs  # ...without what the partner wrote, their link or an address
