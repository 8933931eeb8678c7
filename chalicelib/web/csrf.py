"""CSRF protection for every cookie-authenticated staff form (login and logout included).

Two checks, both required on a form post:

1. where it comes from: ``Sec-Fetch-Site`` must be ``same-origin`` or ``none``; a browser without
   it must send no ``Origin``, ``Origin: null`` (what a no-referrer page sends) or this host.
2. a token in the hidden field ``csrf``: an HMAC (under the staff token secret locally, the signing
   key from Secrets Manager on AWS stages; see ``_key``) of the session
   cookie for signed-in forms, or of the ``pulse_login`` nonce cookie the login page sets
   (double-submit) for the login form. Another site can neither read the cookie nor compute
   the HMAC, and SameSite=Strict keeps the cookies out of its posts anyway.

Requests authenticated with an ``Authorization`` header (API clients) are not exposed to CSRF
(a browser never adds that header across sites), so only the origin check applies to them.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from chalicelib import wiring

from .cookies import read_cookie

FIELD = "csrf"
LOGIN_COOKIE = "pulse_login"
SESSION_COOKIE = "pulse_staff"


cookie = read_cookie  # the CSRF checks and the dashboard read cookies through this name


def _key() -> bytes:
    """The HMAC key: the staff-token secret where pasted tokens are used (local, test); on the AWS
    stages the invitation signing key read from Secrets Manager (wiring.token_secret) - never a
    constant, so nobody can compute a form token offline."""
    secret = wiring.review_settings().staff_token_secret or wiring.token_secret()
    if not secret:
        raise RuntimeError("no CSRF key: set PULSE_STAFF_TOKEN_SECRET (local) or PULSE_TOKEN_SECRET_ARN (AWS)")
    return ("csrf|" + secret).encode()


def token_for(purpose: str, value: str) -> str:
    """The form token bound to ``value`` (a session cookie or a login nonce)."""
    digest = hmac.new(_key(), f"{purpose}|{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def same_site(request) -> bool:
    """True when the browser says the post comes from this site (see the module docstring)."""
    headers = request.headers or {}
    site = headers.get("sec-fetch-site")
    if site:
        return site in ("same-origin", "none")
    origin = headers.get("origin")
    return not origin or origin == "null" or origin.split("://", 1)[-1] == headers.get("host", "")


def session_token(request) -> str | None:
    """The token the signed-in forms carry (None without a session cookie)."""
    value = cookie(request, SESSION_COOKIE)
    return token_for("session", value) if value else None


def login_nonce(request) -> tuple[str, str | None]:
    """(nonce, Set-Cookie or None): the login form's double-submit nonce, created when missing."""
    existing = cookie(request, LOGIN_COOKIE)
    if existing and len(existing) <= 64:
        return existing, None
    nonce = secrets.token_urlsafe(24)
    secure = "; Secure" if wiring.review_settings().secure_cookies else ""
    return nonce, f"{LOGIN_COOKIE}={nonce}; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600{secure}"


def _matches(expected: str | None, sent) -> bool:
    return bool(expected) and isinstance(sent, str) and hmac.compare_digest(expected.encode(), sent.encode())


def login_problem(request, form: dict) -> str | None:
    """Why a login post is refused as cross-site, or None."""
    if not same_site(request):
        return "cross-site sign-in posts are not accepted"
    nonce = cookie(request, LOGIN_COOKIE)
    if not nonce or not _matches(token_for("login", nonce), form.get(FIELD)):
        return "the sign-in form has expired; please sign in again"
    return None


def session_problem(request, form: dict) -> str | None:
    """Why a signed-in form post (logout, corrections, follow-ups) is refused as cross-site, or None."""
    if not same_site(request):
        return "cross-site form posts are not accepted"
    if (request.headers or {}).get("authorization") and not cookie(request, SESSION_COOKIE):
        return None  # header-authenticated: a browser cannot forge this across sites
    if not _matches(session_token(request), form.get(FIELD)):
        return "the form has expired; reload the page and try again"
    return None
