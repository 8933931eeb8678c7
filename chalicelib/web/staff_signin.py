"""Cognito hosted-UI sign-in for the dashboard (``PULSE_AUTH_MODE=cognito``); see security/cognito.py.

``hosted_login`` and ``hosted_logout`` are what ``/staff/login`` and ``/staff/logout`` do in
cognito mode; ``/staff/callback`` finishes the authorization-code flow.
"""
from __future__ import annotations

import secrets

from chalice import Blueprint, Response

from chalicelib import wiring
from chalicelib.security.staff import StaffAuthError, StaffForbidden

from .base_path import base_path
from .staff_auth import COOKIE

staff_signin = Blueprint(__name__)
FLOW_COOKIE = "pulse_signin"
FLOW_SECONDS = 600


def _origin(request) -> str:
    host = (request.headers or {}).get("host", "")
    scheme = "http" if host.startswith(("127.0.0.1", "localhost")) else "https"
    return f"{scheme}://{host}{base_path(request)}"


def _cookie_flags() -> str:
    return "; Secure" if wiring.review_settings().secure_cookies else ""


def redirect_uri(request) -> str:
    """Where Cognito sends the browser back (must be one of the app client's callback URLs)."""
    return _origin(request) + "/staff/callback"


def _read_cookie(request, name: str) -> str | None:
    for part in ((request.headers or {}).get("cookie") or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


def hosted_login(request) -> Response:
    """Start the code flow: PKCE verifier + state in a short-lived cookie, redirect to the hosted UI."""
    from chalicelib.security.cognito import authorize_url, new_state, pkce_pair

    verifier, challenge = pkce_pair()
    state = new_state()
    cookie = (f"{FLOW_COOKIE}={state}.{verifier}; Path=/; HttpOnly; SameSite=Lax; "
              f"Max-Age={FLOW_SECONDS}{_cookie_flags()}")
    location = authorize_url(wiring.cognito_settings(), redirect_uri(request), state, challenge)
    return Response(body="", status_code=303, headers={"Location": location, "Set-Cookie": cookie,
                                                       "Cache-Control": "no-store"})


def hosted_logout(request) -> Response:
    """Clear the session cookie and end the hosted UI's session."""
    from chalicelib.security.cognito import logout_url

    location = logout_url(wiring.cognito_settings(), _origin(request) + "/staff/login")
    return Response(body="", status_code=303, headers={
        "Location": location, "Cache-Control": "no-store",
        "Set-Cookie": f"{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{_cookie_flags()}"})


def _failed(message: str, status: int = 401) -> Response:
    from html import escape

    body = (f"<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Sign-in failed</title>"
            f"<p>{escape(message)}</p><p><a href=\"{escape(base_path(staff_signin.current_request))}/staff/login\">"
            f"Try again</a></p></html>")
    return Response(body=body, status_code=status, headers={"Content-Type": "text/html; charset=utf-8",
                                                            "Cache-Control": "no-store"})


@staff_signin.route("/staff/callback", methods=["GET"])
def callback():
    """Finish the sign-in: check state, exchange the code with the PKCE verifier, verify, set the session."""
    from chalicelib.security.cognito import exchange_code

    request = staff_signin.current_request
    if wiring.review_settings().auth_mode != "cognito":
        return _failed("Cognito sign-in is not enabled on this stage.", 404)
    query = dict(request.query_params or {})
    code, state = str(query.get("code") or ""), str(query.get("state") or "")
    stored_state, _, verifier = (_read_cookie(request, FLOW_COOKIE) or "").partition(".")
    if not code or not state or not stored_state or not secrets.compare_digest(state, stored_state):
        return _failed("The sign-in expired or came from another browser window.", 400)
    try:
        token = exchange_code(wiring.cognito_settings(), code, verifier, redirect_uri(request))
        claims = wiring.cognito_verifier().claims(token)
        from chalicelib.security.staff import identity_from_cognito

        identity = identity_from_cognito(claims)
    except StaffForbidden as error:
        return _failed(str(error), 403)
    except StaffAuthError as error:
        return _failed(str(error))
    import time

    from .dashboard import remember_staff

    remember_staff(identity)  # scheduled view sharing reads who may see what
    lifetime = max(0, int(claims["exp"] - time.time()))
    flags = _cookie_flags()
    return Response(body="", status_code=303, headers={
        "Location": base_path(request) + "/staff", "Cache-Control": "no-store",
        "Set-Cookie": [f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={lifetime}{flags}",
                       f"{FLOW_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{flags}"],
    })
