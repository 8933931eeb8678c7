"""Invitation tokens: signed, unforgeable, carrying no personal data.

A token is ``itsdangerous``-signed JSON ``[invitation_id, partner_id, wave_id]``. The
invitation id itself is an HMAC of (wave, partner, contact) under the same secret, so
creating invitations twice yields the same ids (no duplicates) and ids cannot be guessed.
Rotating the secret therefore invalidates every outstanding link, which is intended.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass

from itsdangerous import BadData, URLSafeSerializer

from chalicelib.domain.errors import InvitationNotFound

MAX_TOKEN_LENGTH = 400
_SALT = "pulse-invitation-v1"


_SEGMENT = re.compile(r"^[A-Za-z0-9_-]+$")


def is_canonical(token: str) -> bool:
    """True when every ``.``-separated segment is unpadded base64url that re-encodes to itself (a
    compressed payload's leading ``.`` aside): no padding, stray bits, whitespace or trailing data."""
    if not isinstance(token, str) or not token.isascii():
        return False
    segments = token[1:].split(".") if token.startswith(".") else token.split(".")
    for segment in segments:
        if not _SEGMENT.match(segment) or len(segment) % 4 == 1:
            return False
        try:
            decoded = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        except (ValueError, binascii.Error):
            return False
        if base64.urlsafe_b64encode(decoded).rstrip(b"=").decode() != segment:
            return False
    return True


def read_signed_strings(serializer: URLSafeSerializer, token: str, count: int, max_length: int) -> list[str]:
    """Verify a signed JSON list of ``count`` non-empty strings; any problem is InvitationNotFound.

    Only the canonical form is accepted: the payload re-encoded must give the token back exactly."""
    if not isinstance(token, str) or not 0 < len(token) <= max_length or not is_canonical(token):
        raise InvitationNotFound()
    try:
        payload = serializer.loads(token)
    except (BadData, ValueError, TypeError, UnicodeError):
        raise InvitationNotFound() from None
    if (not isinstance(payload, list) or len(payload) != count
            or not all(isinstance(part, str) and part for part in payload)):
        raise InvitationNotFound()
    if not hmac.compare_digest(serializer.dumps(payload).encode(), token.encode()):
        raise InvitationNotFound()  # e.g. re-ordered JSON or spaces inside a validly signed payload
    return payload


@dataclass(frozen=True)
class InvitationClaims:
    invitation_id: str
    partner_id: str
    wave_id: str


class InvitationTokens:
    """Issues and verifies partner invitation tokens."""

    def __init__(self, secret: str):
        if not secret or len(secret) < 16:
            raise ValueError("the token secret must be at least 16 characters")
        self._secret = secret.encode()
        self._serializer = URLSafeSerializer(secret, salt=_SALT)

    def invitation_id(self, wave_id: str, partner_id: str, contact_id: str) -> str:
        """Deterministic, unguessable id of the invitation of one contact to one wave."""
        message = f"invitation|{wave_id}|{partner_id}|{contact_id}".encode()
        digest = hmac.new(self._secret, message, hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def issue(self, claims: InvitationClaims) -> str:
        return self._serializer.dumps([claims.invitation_id, claims.partner_id, claims.wave_id])

    def read(self, token: str) -> InvitationClaims:
        """Verify a token; any problem raises the same InvitationNotFound."""
        return InvitationClaims(*read_signed_strings(self._serializer, token, 3, MAX_TOKEN_LENGTH))
