"""Staff sign-in with Amazon Cognito: hosted UI, authorization code + PKCE, ID-token verification.

Flow (``PULSE_AUTH_MODE=cognito``, the dev and prod stages):

1. ``GET /staff/login`` makes a PKCE pair and a random ``state``, keeps both in a short-lived
   HttpOnly cookie and redirects to the hosted UI's ``/oauth2/authorize`` (``response_type=code``,
   ``code_challenge_method=S256``).
2. Cognito sends the browser back to ``/staff/callback?code=..&state=..``; the state must equal
   the cookie's; the code and the verifier are exchanged at ``/oauth2/token`` (public client,
   no secret).
3. The ID token is verified here - RS256 signature against the pool's JWKS
   (``https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json``, cached, refetched
   for an unknown ``kid``), ``iss`` = the pool, ``aud`` = the app client, ``token_use`` = ``id``,
   ``exp``/``iat`` - and becomes the session cookie (HttpOnly, Secure, SameSite=Lax, lifetime
   of the token). Groups -> role, ``custom:scope`` -> scope (``staff.identity_from_cognito``).
4. The staff API accepts the same ID token as ``Authorization: Bearer``.
5. ``POST /staff/logout`` clears the cookie and ends the hosted-UI session (``/logout``).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass

from .staff import StaffAuthError, StaffIdentity, identity_from_cognito

MAX_TOKEN_LENGTH = 8000
JWKS_MIN_REFRESH_SECONDS = 300


@dataclass(frozen=True)
class CognitoSettings:
    region: str
    user_pool_id: str
    client_id: str
    domain: str            # hosted UI base, e.g. https://pulse-dev.auth.eu-west-1.amazoncognito.com

    @classmethod
    def from_environment(cls, environ: dict | None = None) -> CognitoSettings:
        env = os.environ if environ is None else environ
        return cls(region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
                   user_pool_id=env.get("PULSE_USER_POOL_ID", ""),
                   client_id=env.get("PULSE_USER_POOL_CLIENT_ID", ""),
                   domain=env.get("PULSE_COGNITO_DOMAIN", "").rstrip("/"))

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/.well-known/jwks.json"


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge) as in RFC 7636."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_state() -> str:
    return secrets.token_urlsafe(24)


def authorize_url(settings: CognitoSettings, redirect_uri: str, state: str, challenge: str) -> str:
    """The hosted UI's authorization endpoint for this client (code flow with PKCE)."""
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": settings.client_id, "redirect_uri": redirect_uri,
        "scope": "openid email profile", "state": state,
        "code_challenge": challenge, "code_challenge_method": "S256"})
    return f"{settings.domain}/oauth2/authorize?{query}"


def logout_url(settings: CognitoSettings, logout_uri: str) -> str:
    query = urllib.parse.urlencode({"client_id": settings.client_id, "logout_uri": logout_uri})
    return f"{settings.domain}/logout?{query}"


def _https(url: str) -> str:
    if not url.startswith("https://"):
        raise ValueError("Cognito endpoints must be https URLs")
    return url


def _post_form(url: str, fields: dict) -> dict:
    request = urllib.request.Request(_https(url), data=urllib.parse.urlencode(fields).encode(),  # noqa: S310
                                     method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (https URL from settings)
        return json.loads(response.read())


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(_https(url), timeout=5) as response:  # noqa: S310 (https only)
        return json.loads(response.read())


def exchange_code(settings: CognitoSettings, code: str, verifier: str, redirect_uri: str,
                  post=None) -> str:
    """The ID token for an authorization code (``/oauth2/token``); StaffAuthError on failure."""
    try:
        tokens = (post or _post_form)(f"{settings.domain}/oauth2/token", {
            "grant_type": "authorization_code", "client_id": settings.client_id, "code": code,
            "redirect_uri": redirect_uri, "code_verifier": verifier})
    except Exception:
        raise StaffAuthError("the sign-in could not be completed") from None
    token = tokens.get("id_token") if isinstance(tokens, dict) else None
    if not isinstance(token, str):
        raise StaffAuthError("the sign-in returned no ID token")
    return token


class IdTokenVerifier:
    """Verifies Cognito ID tokens against the pool's published keys (cached per process)."""

    def __init__(self, settings: CognitoSettings, fetch_jwks=None, clock=time.time):
        self.settings = settings
        self._fetch = fetch_jwks or (lambda: _get_json(settings.jwks_url))
        self._clock = clock
        self._keys: dict[str, object] = {}
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def _key(self, kid: str):
        from jwt import PyJWK

        with self._lock:
            if kid not in self._keys and self._clock() - self._fetched_at >= JWKS_MIN_REFRESH_SECONDS \
                    or not self._fetched_at:
                try:
                    document = self._fetch()
                except Exception:
                    raise StaffAuthError("the sign-in keys are unavailable") from None
                self._keys = {k["kid"]: PyJWK(k).key for k in document.get("keys", [])
                              if k.get("kty") == "RSA" and "kid" in k}
                self._fetched_at = self._clock()
            key = self._keys.get(kid)
        if key is None:
            raise StaffAuthError("invalid sign-in token")
        return key

    def claims(self, token: str) -> dict:
        """The verified claims of an ID token; every problem raises StaffAuthError."""
        import jwt

        if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH:
            raise StaffAuthError("missing or malformed sign-in token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise StaffAuthError("invalid sign-in token") from None
        if header.get("alg") != "RS256" or not isinstance(header.get("kid"), str):
            raise StaffAuthError("invalid sign-in token")
        try:
            claims = jwt.decode(token, self._key(header["kid"]), algorithms=["RS256"],
                                audience=self.settings.client_id, issuer=self.settings.issuer,
                                options={"require": ["exp", "iat", "iss", "aud", "sub"]}, leeway=30)
        except jwt.ExpiredSignatureError:
            raise StaffAuthError("the sign-in has expired") from None
        except jwt.PyJWTError:
            raise StaffAuthError("invalid sign-in token") from None
        if claims.get("token_use") != "id":
            raise StaffAuthError("not an ID token")
        return claims

    def identity(self, token: str) -> StaffIdentity:
        return identity_from_cognito(self.claims(token))
