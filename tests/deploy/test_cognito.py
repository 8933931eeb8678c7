"""Staff sign-in with Cognito, with a local RSA key pair standing in for the user pool's keys.

The hosted UI's token endpoint is replaced by a function that checks the PKCE verifier against
the challenge the login redirect sent, like Cognito does; everything else is the real code,
called with API Gateway proxy events through app.app.
"""
from __future__ import annotations

import base64
import hashlib
import json
import time
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from tests.deploy.apigw import LambdaContext, proxy_event

REGION, POOL, CLIENT = "eu-west-1", "eu-west-1_TestPool", "client123"
DOMAIN = "https://pulse-dev.auth.eu-west-1.amazoncognito.com"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL}"


def _key_pair(kid: str):
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    return private, {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


@pytest.fixture(scope="module")
def pool_keys():
    return {"pool": _key_pair("kid-1"), "other": _key_pair("kid-1")}


def id_token(private, kid="kid-1", **overrides) -> str:
    import jwt

    now = int(time.time())
    claims = {"sub": "u-1", "email": "ana@vendor.example", "cognito:groups": ["viewer", "analyst"],
              "custom:scope": "region=EMEA", "token_use": "id", "aud": CLIENT, "iss": ISSUER,
              "iat": now, "exp": now + 3600, **overrides}
    return jwt.encode(claims, private, algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def cognito_stage(monkeypatch, pool_keys, moto_table):
    """The dev stage's settings (auth mode cognito by default there), a fake pool, and the table
    (sign-out revocations are checked on every staff request)."""
    import boto3

    from chalicelib import wiring
    from chalicelib.security import cognito
    from chalicelib.storage.schema import table_definition

    # moto is active (moto_table); the functions run in the pool's region, so the table is there too
    boto3.client("dynamodb", region_name=REGION).create_table(**table_definition(moto_table.name))
    for key, value in {"PULSE_STAGE": "dev", "PULSE_USER_POOL_ID": POOL, "PULSE_USER_POOL_CLIENT_ID": CLIENT,
                       "PULSE_COGNITO_DOMAIN": DOMAIN, "AWS_REGION": REGION,
                       "PULSE_TOKEN_SECRET": "x" * 32, "PULSE_TABLE": moto_table.name,
                       "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    for key in ("PULSE_AUTH_MODE", "PULSE_BASE_PATH", "PULSE_DYNAMODB_ENDPOINT"):
        monkeypatch.delenv(key, raising=False)
    jwks = {"keys": [pool_keys["pool"][1]]}
    fetched = []

    def get_json(url):
        assert url == f"{ISSUER}/.well-known/jwks.json"
        fetched.append(url)
        return jwks

    exchanges = []

    def post_form(url, fields):  # Cognito's /oauth2/token: the verifier must hash to the challenge
        assert url == f"{DOMAIN}/oauth2/token"
        exchanges.append(fields)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(fields["code_verifier"].encode()).digest()).rstrip(b"=")
        if fields["code"] != "good-code" or challenge.decode() != post_form.challenge:
            raise OSError("invalid_grant")
        return {"id_token": id_token(pool_keys["pool"][0]), "access_token": "a", "token_type": "Bearer"}

    post_form.challenge = None
    monkeypatch.setattr(cognito, "_get_json", get_json)
    monkeypatch.setattr(cognito, "_post_form", post_form)
    wiring.reset()
    yield {"post": post_form, "fetched": fetched, "exchanges": exchanges}
    wiring.reset()


def _call(method, path, body=None, **headers):
    from app import app

    return app(proxy_event(app, method, path, headers=headers, body=body), LambdaContext())


def _cookies(response) -> list[str]:
    values = response.get("multiValueHeaders", {}).get("Set-Cookie") or []
    single = response["headers"].get("Set-Cookie")
    return values or ([single] if single else [])


def test_sign_in_with_the_hosted_ui_code_flow_and_pkce(cognito_stage):
    login = _call("GET", "/staff/login")
    assert login["statusCode"] == 303
    target = urlparse(login["headers"]["Location"])
    query = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{DOMAIN}/oauth2/authorize"
    assert query["response_type"] == ["code"] and query["client_id"] == [CLIENT]
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["https://abc123.execute-api.us-east-1.amazonaws.com/api/staff/callback"]
    flow_cookie = _cookies(login)[0]
    assert "HttpOnly" in flow_cookie and "Secure" in flow_cookie and "SameSite=Lax" in flow_cookie
    cognito_stage["post"].challenge = query["code_challenge"][0]

    state = query["state"][0]
    cookie = flow_cookie.split(";")[0]
    done = _call("GET", "/staff/callback?" + urlencode({"code": "good-code", "state": state}), cookie=cookie)
    assert done["statusCode"] == 303 and done["headers"]["Location"] == "/api/staff"
    session = next(c for c in _cookies(done) if c.startswith("pulse_staff="))
    assert all(flag in session for flag in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/"))
    token = session.split(";")[0].split("=", 1)[1]

    # the session cookie and the same token as a bearer both sign the staff in, with role and scope
    for headers in ({"cookie": f"pulse_staff={token}"}, {"authorization": f"Bearer {token}"}):
        me = _call("GET", "/api/v1/staff/me", **headers)
        assert me["statusCode"] == 200
        assert json.loads(me["body"]) == {"subject": "ana@vendor.example", "role": "analyst",
                                          "scope": "region=EMEA"}
    assert len(cognito_stage["fetched"]) == 1  # keys cached

    from chalicelib.web.csrf import token_for

    logout = _call("POST", "/staff/logout", body=urlencode({"csrf": token_for("session", token)}),
                   cookie=f"pulse_staff={token}",
                   **{"content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin"})
    assert logout["statusCode"] == 303 and logout["headers"]["Location"].startswith(f"{DOMAIN}/logout?")
    assert "Max-Age=0" in _cookies(logout)[0]
    # revoked on the server: the same ID token no longer works, as a cookie or as a bearer
    for headers in ({"cookie": f"pulse_staff={token}"}, {"authorization": f"Bearer {token}"}):
        assert _call("GET", "/api/v1/staff/me", **headers)["statusCode"] == 401


def test_callback_refuses_a_foreign_state_or_a_bad_code(cognito_stage):
    login = _call("GET", "/staff/login")
    query = parse_qs(urlparse(login["headers"]["Location"]).query)
    cognito_stage["post"].challenge = query["code_challenge"][0]
    cookie = _cookies(login)[0].split(";")[0]
    assert _call("GET", "/staff/callback?code=good-code&state=forged", cookie=cookie)["statusCode"] == 400
    assert _call("GET", f"/staff/callback?code=good-code&state={query['state'][0]}")["statusCode"] == 400
    bad = _call("GET", f"/staff/callback?code=stolen&state={query['state'][0]}", cookie=cookie)
    assert bad["statusCode"] == 401 and "pulse_staff=" not in json.dumps(bad["headers"])


@pytest.mark.parametrize("change, reason", [
    ({"aud": "another-client"}, "audience"), ({"iss": "https://cognito-idp.eu-west-1.amazonaws.com/other"}, "issuer"),
    ({"exp": int(time.time()) - 120}, "expired"), ({"token_use": "access"}, "access token"),
])
def test_tokens_that_are_not_this_pools_id_tokens_are_refused(cognito_stage, pool_keys, change, reason):
    token = id_token(pool_keys["pool"][0], **change)
    assert _call("GET", "/api/v1/staff/me", authorization=f"Bearer {token}")["statusCode"] == 401, reason


def test_a_token_signed_by_another_key_or_without_rs256_is_refused(cognito_stage, pool_keys):
    import jwt

    forged = id_token(pool_keys["other"][0])  # same kid, different key
    assert _call("GET", "/api/v1/staff/me", authorization=f"Bearer {forged}")["statusCode"] == 401
    symmetric = jwt.encode({"sub": "x", "aud": CLIENT, "iss": ISSUER, "token_use": "id", "iat": 1,
                            "exp": int(time.time()) + 60, "cognito:groups": ["admin"]}, "k" * 32,
                           algorithm="HS256", headers={"kid": "kid-1"})
    assert _call("GET", "/api/v1/staff/me", authorization=f"Bearer {symmetric}")["statusCode"] == 401


def test_groups_decide_the_role_and_no_group_is_forbidden(cognito_stage, pool_keys):
    admin = id_token(pool_keys["pool"][0], **{"cognito:groups": ["admin"]})
    assert json.loads(_call("GET", "/api/v1/staff/me", authorization=f"Bearer {admin}")["body"])["role"] == "admin"
    nobody = id_token(pool_keys["pool"][0], **{"cognito:groups": []})
    assert _call("GET", "/api/v1/staff/me", authorization=f"Bearer {nobody}")["statusCode"] == 403


def test_pasted_staff_tokens_are_refused_on_aws_stages(cognito_stage, monkeypatch):
    from chalicelib import wiring
    from chalicelib.security.staff import StaffTokens

    monkeypatch.setenv("PULSE_AUTH_MODE", "token")  # even if someone switches the mode back
    wiring.reset()
    pasted = StaffTokens("x" * 32).issue("someone@vendor.example", "admin")
    response = _call("GET", "/api/v1/staff/me", authorization=f"Bearer {pasted}")
    assert response["statusCode"] == 401 and "local and test" in response["body"]
