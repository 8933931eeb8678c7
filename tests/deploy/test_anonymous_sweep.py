"""No anonymous request produces a 5xx on an AWS stage: every staff route, every method, no credentials.

The app runs with the dev stage's configuration (``.chalice/config.json`` stage ``dev``: Cognito
sign-in, no pasted-token secret, the signing key in Secrets Manager) against moto. Each staff
route gets a request without credentials, plus the posts an attacker can send with a well-formed
login nonce; every answer must be a 4xx (or a redirect to the sign-in), never a 5xx.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from tests.deploy.apigw import LambdaContext, proxy_event

STAFF_PREFIXES = ("/staff", "/api/v1/staff")


@pytest.fixture
def dev_app(monkeypatch):
    from moto import mock_aws

    from chalicelib import wiring

    with mock_aws():
        import boto3

        from chalicelib.storage.schema import table_definition

        boto3.client("dynamodb", region_name="us-east-1").create_table(**table_definition("pulse-dev-sweep"))
        secret = boto3.client("secretsmanager", region_name="us-east-1").create_secret(
            Name="sweep-signing-key", SecretString="x" * 48)["ARN"]
        for key in ("PULSE_TOKEN_SECRET", "PULSE_STAFF_TOKEN_SECRET", "PULSE_AUTH_MODE", "PULSE_DYNAMODB_ENDPOINT",
                    "PULSE_BASE_PATH", "PULSE_REFRESH_FUNCTION"):
            monkeypatch.delenv(key, raising=False)
        env = {"PULSE_STAGE": "dev", "PULSE_TABLE": "pulse-dev-sweep", "PULSE_TOKEN_SECRET_ARN": secret,
               "AWS_DEFAULT_REGION": "us-east-1", "PULSE_MAIL_TRANSPORT": "ses",
               "PULSE_USER_POOL_ID": "us-east-1_Sweep0001", "PULSE_USER_POOL_CLIENT_ID": "sweepclient",
               "PULSE_COGNITO_DOMAIN": "https://sweep.auth.us-east-1.amazoncognito.com",
               "PULSE_PUBLIC_BASE_URL": "https://pulse.example"}
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        wiring.reset()
        import app as app_module

        yield app_module.app
        wiring.reset()


def _staff_requests(app):
    for resource, methods in sorted(app.routes.items()):
        if not resource.startswith(STAFF_PREFIXES):
            continue
        path = re.sub(r"\{(\w+)\}", lambda m: "w1" if m.group(1) == "wave_id" else "x1", resource)
        for method in sorted(methods):
            yield method, path


FORM = {"content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin"}


def test_every_staff_route_answers_an_anonymous_request_without_a_5xx(dev_app):
    from chalicelib.web.csrf import token_for

    answers = {}
    for method, path in _staff_requests(dev_app):
        body, headers = None, {}
        if method in ("POST", "PUT", "PATCH"):
            headers = {**FORM, "cookie": "pulse_login=n0nce-sweep"}
            body = urlencode({"token": "x.y.z", "next": "/staff", "csrf": token_for("login", "n0nce-sweep")})
        for variant, extra in (("no credentials", {}), ("junk cookie", {"cookie": "pulse_staff=junk"}),
                               ("junk bearer", {"authorization": "Bearer junk"})):
            event = proxy_event(dev_app, method, path, headers={**headers, **extra}, body=body)
            answers[(method, path, variant)] = dev_app(event, LambdaContext())["statusCode"]
    assert len({(m, p) for m, p, _ in answers}) >= 20
    server_errors = {key: code for key, code in answers.items() if code >= 500}
    assert server_errors == {}
    assert all(code < 500 for code in answers.values())


def test_the_pasted_token_sign_in_is_absent_on_an_aws_stage(dev_app):
    from chalicelib.web.csrf import token_for

    event = proxy_event(dev_app, "POST", "/staff/login", headers={**FORM, "cookie": "pulse_login=n0nce-sweep"},
                        body=urlencode({"token": "anything", "csrf": token_for("login", "n0nce-sweep")}))
    response = dev_app(event, LambdaContext())
    assert response["statusCode"] == 404 and "not available" in response["body"]
