"""Staff authentication at the route layer (the signed-token "authorizer") and the Cognito setup.

Two modes (``PULSE_AUTH_MODE``):

- ``token`` (local stages and tests): the caller sends ``Authorization: Bearer <staff token>``
  or, for HTML pages, the ``pulse_staff`` cookie set by the login page. Tokens come from
  ``pulse staff token --role R [--scope region=EMEA] [--expires 8h]``.
- ``cognito`` (AWS stages): API Gateway checks the Cognito ID token with a
  ``CognitoUserPoolAuthorizer`` (attached when ``PULSE_DEPLOY_COGNITO_POOL_ARN`` is set while
  running ``chalice package``/``deploy``) and this layer reads its verified claims
  (``cognito:groups`` -> role, ``custom:scope`` -> scope). ``chalice local`` admits every request
  for Cognito authorizers, so cognito mode is refused on the local stage.

In both modes the role and scope checks happen here, from the verified identity, on every route.
"""
from __future__ import annotations

import functools
import os

from chalicelib import wiring
from chalicelib.security.staff import StaffAuthError, StaffForbidden, StaffIdentity, identity_from_cognito

COOKIE = "pulse_staff"


def staff_authorizer():
    """The API Gateway authorizer for staff routes: Cognito when a pool ARN is given at packaging
    time, otherwise None (the signed token is checked by ``identity_of`` in every route)."""
    arn = os.environ.get("PULSE_DEPLOY_COGNITO_POOL_ARN")
    if not arn:
        return None
    from chalice import CognitoUserPoolAuthorizer

    return CognitoUserPoolAuthorizer("PulseStaffPool", provider_arns=[arn])


def _cookie(request, name: str) -> str | None:
    header = (request.headers or {}).get("cookie") or ""
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


def bearer_token(request) -> str | None:
    header = (request.headers or {}).get("authorization") or ""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return _cookie(request, COOKIE)


def identity_of(request) -> StaffIdentity:
    """The verified staff identity of a request; raises StaffAuthError (401) or StaffForbidden (403)."""
    review = wiring.review_settings()
    if review.auth_mode == "cognito":
        if wiring.settings().stage == "local":
            raise StaffAuthError("cognito mode cannot be used with chalice local (it admits everyone)")
        claims = ((request.context or {}).get("authorizer") or {}).get("claims")
        if not claims:
            raise StaffAuthError("no verified Cognito identity")
        return identity_from_cognito(claims)
    token = bearer_token(request)
    if not token:
        raise StaffAuthError("sign in with a staff token")
    return wiring.staff_tokens().read(token)


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
