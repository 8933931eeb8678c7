"""Sign-out revokes the session on the server: a copy of the signed-out cookie (or the same token as
a bearer) is refused afterwards; other sessions keep working. And the form key is never a constant."""
from tests.review.conftest import session_form, token

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}


def test_a_signed_out_session_cookie_is_refused(moto_table, app_env):
    from chalice.test import Client

    from app import app

    app_env(moto_table)
    cookie, csrf = session_form("analyst")
    other = {"Authorization": f"Bearer {token('analyst', subject='other@vendor.example')}"}
    with Client(app, stage_name="test") as client:
        assert client.http.get("/staff/assets/dashboard.css").status_code == 200
        assert client.http.get("/api/v1/staff/me", headers=cookie).status_code == 200  # signed in
        out = client.http.post("/staff/logout", headers={**cookie, **FORM}, body=f"csrf={csrf}")
        assert out.status_code == 303
        again = client.http.get("/api/v1/staff/me", headers=cookie)  # the same cookie, replayed
        assert again.status_code == 401 and "signed out" in again.body.decode()
        bearer = {"Authorization": "Bearer " + cookie["Cookie"].removeprefix("pulse_staff=")}
        assert client.http.get("/api/v1/staff/me", headers=bearer).status_code == 401
        assert client.http.get("/staff", headers=cookie).status_code == 401
        assert client.http.get("/api/v1/staff/me", headers=other).status_code == 200  # others unaffected


def test_on_an_aws_stage_the_form_key_is_the_secret_store_key(monkeypatch):
    """No PULSE_STAFF_TOKEN_SECRET on dev/prod: the key comes from Secrets Manager, so two stacks with
    different secrets give different tokens (a constant would give the same)."""
    from moto import mock_aws

    from chalicelib import wiring
    from chalicelib.web.csrf import token_for

    tokens = []
    with mock_aws():
        import boto3

        client = boto3.client("secretsmanager", region_name="us-east-1")
        for name in ("one", "two"):
            arn = client.create_secret(Name=name, SecretString=f"secret-of-{name}-" * 3)["ARN"]
            for key in ("PULSE_TOKEN_SECRET", "PULSE_STAFF_TOKEN_SECRET"):
                monkeypatch.delenv(key, raising=False)
            monkeypatch.setenv("PULSE_STAGE", "prod")
            monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
            monkeypatch.setenv("PULSE_TOKEN_SECRET_ARN", arn)
            wiring.reset()
            tokens.append(token_for("session", "cookie-value"))
    wiring.reset()
    assert tokens[0] != tokens[1]
