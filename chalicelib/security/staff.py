"""Staff identities: signed, expiring bearer tokens (local stages, tests) and Cognito claims (AWS).

A staff token is ``itsdangerous``-signed JSON ``{"sub", "role", "scope"}`` with a timestamp,
under the salt ``pulse-staff-v1`` and a ``"kind": "staff"`` marker, so it can never verify as a
partner invitation token (salt ``pulse-invitation-v1``) and an invitation token never verifies
here. Roles: ``admin`` (everything), ``analyst`` (all results), ``viewer`` (results limited to
a scope such as ``region=EMEA`` or ``tier=principal``; a viewer without a scope sees all results).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from .tokens import is_canonical

ROLES = ("admin", "analyst", "viewer")
SCOPE_DIMENSIONS = ("region", "tier")
MAX_TOKEN_LENGTH = 1000
MAX_LIFETIME_SECONDS = 30 * 24 * 3600
_SALT = "pulse-staff-v1"
_DURATION = re.compile(r"^(\d{1,5})([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_SCOPE_VALUE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


class StaffAuthError(Exception):
    """The request carries no valid staff identity (HTTP 401)."""


class StaffForbidden(Exception):
    """The identity is valid but may not do this (HTTP 403)."""


@dataclass(frozen=True)
class Scope:
    """A restriction of the data a viewer may see: one dimension = one value."""

    dimension: str
    value: str

    def __str__(self) -> str:
        return f"{self.dimension}={self.value}"

    def admits(self, attributes: dict) -> bool:
        """True when a record with these partner attributes (tier, region ...) is in scope."""
        return str(attributes.get(self.dimension) or "") == self.value


def parse_scope(text: str | None) -> Scope | None:
    """``"region=EMEA"`` -> Scope; empty -> None; anything else raises ValueError naming the problem."""
    if not text:
        return None
    dimension, sep, value = text.partition("=")
    dimension, value = dimension.strip(), value.strip()
    if not sep or dimension not in SCOPE_DIMENSIONS or not _SCOPE_VALUE.match(value):
        raise ValueError(f"scope must look like region=EMEA or tier=principal (dimension one of "
                         f"{', '.join(SCOPE_DIMENSIONS)}), got {text!r}")
    return Scope(dimension, value)


def parse_duration(text: str) -> int:
    """``"8h"`` / ``"30m"`` / ``"2d"`` -> seconds (1 s .. 30 days)."""
    match = _DURATION.match((text or "").strip())
    if not match:
        raise ValueError(f"expiry must look like 8h, 30m or 2d, got {text!r}")
    seconds = int(match.group(1)) * _UNITS[match.group(2)]
    if not 0 < seconds <= MAX_LIFETIME_SECONDS:
        raise ValueError("expiry must be between 1 second and 30 days")
    return seconds


@dataclass(frozen=True)
class StaffIdentity:
    """Who is asking, with which role and (for viewers) which scope."""

    subject: str
    role: str
    scope: Scope | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def effective_scope(self) -> Scope | None:
        """Admins and analysts see everything; a viewer sees only its scope."""
        return self.scope if self.role == "viewer" else None

    def admits(self, attributes: dict) -> bool:
        scope = self.effective_scope()
        return scope is None or scope.admits(attributes)

    def require(self, role: str) -> None:
        """Raise StaffForbidden unless the identity has at least ``role`` (viewer < analyst < admin)."""
        if ROLES.index(self.role) > ROLES.index(role):
            raise StaffForbidden(f"the {self.role} role may not do this (needs {role})")

    def to_dict(self) -> dict:
        return {"subject": self.subject, "role": self.role,
                "scope": str(self.scope) if self.scope else None}


class StaffTokens:
    """Issues and verifies staff bearer tokens."""

    def __init__(self, secret: str):
        if not secret or len(secret) < 16:
            raise ValueError("the staff token secret must be at least 16 characters")
        self._serializer = URLSafeTimedSerializer(secret, salt=_SALT)

    def issue(self, subject: str, role: str, scope: Scope | None = None,
              lifetime_seconds: int = 8 * 3600) -> str:
        """A token for ``subject`` with ``role`` and optional scope; expires after the lifetime."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        if not 0 < lifetime_seconds <= MAX_LIFETIME_SECONDS:
            raise ValueError("lifetime must be between 1 second and 30 days")
        import secrets

        # "sid": every session is its own token, so signing one out (a revocation by token hash)
        # never signs out another issued for the same person in the same second
        return self._serializer.dumps({"kind": "staff", "sub": subject, "role": role,
                                       "scope": str(scope) if scope else None,
                                       "ttl": int(lifetime_seconds), "sid": secrets.token_urlsafe(9)})

    def read(self, token: str) -> StaffIdentity:
        """Verify signature and expiry; every problem raises StaffAuthError."""
        if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH or not is_canonical(token):
            raise StaffAuthError("missing or malformed staff token")
        try:
            payload, signed_at = self._serializer.loads(token, return_timestamp=True)
        except SignatureExpired:
            raise StaffAuthError("the staff token has expired") from None
        except (BadData, ValueError, TypeError, UnicodeError):
            raise StaffAuthError("invalid staff token") from None
        if not isinstance(payload, dict) or payload.get("kind") != "staff":
            raise StaffAuthError("invalid staff token")
        ttl = payload.get("ttl")
        if not isinstance(ttl, int) or not 0 < ttl <= MAX_LIFETIME_SECONDS:
            raise StaffAuthError("invalid staff token")
        from datetime import UTC, datetime

        if (datetime.now(UTC) - signed_at).total_seconds() > ttl:
            raise StaffAuthError("the staff token has expired")
        return identity_from_claims(payload.get("sub"), payload.get("role"), payload.get("scope"))


def identity_from_claims(subject, role, scope_text) -> StaffIdentity:
    """A validated identity from raw claims (token payload or Cognito)."""
    if not isinstance(subject, str) or not subject or role not in ROLES:
        raise StaffAuthError("invalid staff identity")
    try:
        scope = parse_scope(scope_text) if scope_text else None
    except ValueError:
        raise StaffAuthError("invalid staff scope") from None
    return StaffIdentity(subject, role, scope)


def identity_from_cognito(claims: dict) -> StaffIdentity:
    """Cognito ID-token claims -> identity: the strongest of the groups admin/analyst/viewer is the
    role; the custom attribute ``custom:scope`` (e.g. ``region=EMEA``) is the viewer's scope."""
    groups = claims.get("cognito:groups") or []
    if isinstance(groups, str):
        groups = [g.strip() for g in groups.replace(",", " ").split()]
    roles = [r for r in ROLES if r in groups]
    if not roles:
        raise StaffForbidden("the user belongs to none of the groups admin, analyst, viewer")
    subject = claims.get("email") or claims.get("cognito:username") or claims.get("sub")
    return identity_from_claims(subject, roles[0], claims.get("custom:scope"))
