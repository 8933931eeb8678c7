"""Staff authentication at the route layer (the signed-token "authorizer") and the Cognito setup.

Two modes (``PULSE_AUTH_MODE``):

- ``token`` (local stages and tests): the caller sends ``Authorization: Bearer <staff token>``
  or, for HTML pages, the ``pulse_staff`` cookie set by the login page. Tokens come from
  ``pulse staff token --role R [--scope region=EMEA] [--expires 8h]``.
- ``cognito`` (AWS stages, the default on dev/prod): the Cognito ID token - from the hosted-UI
  sign-in's session cookie or ``Authorization: Bearer`` - is verified here against the pool's
  JWKS (security/cognito.py; ``cognito:groups`` -> role, ``custom:scope`` -> scope). Optionally
  API Gateway checks it too (``CognitoUserPoolAuthorizer`` when ``PULSE_DEPLOY_COGNITO_POOL_ARN``
  is set while packaging). Pasted staff tokens are refused outside the local and test stages.

In both modes the role and scope checks happen here, from the verified identity, on every route.
"""
from __future__ import annotations

import functools
import os
import time

from chalicelib import wiring
from chalicelib.security.staff import StaffAuthError, StaffForbidden, StaffIdentity

from .cookies import read_cookie

COOKIE = "pulse_staff"
TOKEN_STAGES = ("local", "test")  # where pasted (signed) staff tokens are accepted


def staff_authorizer():
    """The API Gateway authorizer for staff routes: Cognito when a pool ARN is given at packaging
    time, otherwise None (the signed token is checked by ``identity_of`` in every route)."""
    arn = os.environ.get("PULSE_DEPLOY_COGNITO_POOL_ARN")
    if not arn:
        return None
    from chalice import CognitoUserPoolAuthorizer

    return CognitoUserPoolAuthorizer("PulseStaffPool", provider_arns=[arn])




def pasted_tokens_enabled() -> bool:
    """Pasted (signed) staff tokens work here: token mode, a local/test stage and a configured secret."""
    review = wiring.review_settings()
    return (review.auth_mode != "cognito" and wiring.settings().stage in TOKEN_STAGES
            and bool(review.staff_token_secret))


def bearer_token(request) -> str | None:
    header = (request.headers or {}).get("authorization") or ""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return read_cookie(request, COOKIE)


def identity_of(request) -> StaffIdentity:
    """The verified staff identity of a request; raises StaffAuthError (401) or StaffForbidden (403)."""
    review = wiring.review_settings()
    if review.auth_mode == "cognito":
        if wiring.settings().stage == "local":
            raise StaffAuthError("cognito mode cannot be used with chalice local (it admits everyone)")
        token = bearer_token(request)  # the Cognito ID token: Authorization header or session cookie
        if not token:
            raise StaffAuthError("sign in")
        identity = wiring.cognito_verifier().identity(token)
    else:
        if wiring.settings().stage not in TOKEN_STAGES:
            raise StaffAuthError("pasted staff tokens work only on the local and test stages; sign in with Cognito")
        token = bearer_token(request)
        if not token:
            raise StaffAuthError("sign in with a staff token")
        identity = wiring.staff_tokens().read(token)
    if wiring.session_revocations().is_revoked(token, time.time()):
        raise StaffAuthError("this session was signed out; sign in again")
    return identity


def revoke_session(request) -> None:
    """Sign-out: the request's session token (cookie or bearer) is refused from now on, everywhere."""
    token = bearer_token(request)
    if token:
        wiring.session_revocations().revoke(token, time.time())


def staff_only(blueprint, role: str, on_unauthenticated, on_forbidden):
    """Decorator factory: verify the identity, require ``role``, pass ``identity=`` to the view."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            try:
                identity = identity_of(blueprint.current_request)
                identity.require(role)
            except StaffAuthError as error:
                return on_unauthenticated(str(error))
            except StaffForbidden as error:
                return on_forbidden(str(error))
            return view(*args, identity=identity, **kwargs)
        wrapper.staff_role = role  # lets tests prove every staff route is guarded
        return wrapper
    return decorator
