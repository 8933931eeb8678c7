"""Unsubscribe tokens: signed, per invitation, carrying no e-mail address.

A token is ``itsdangerous``-signed JSON ``[invitation_id, wave_id]`` under the same secret as
invitation links but a different salt, so an unsubscribe token can never be replayed as a
survey link (or the reverse).
"""
from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import URLSafeSerializer

from chalicelib.security.tokens import read_signed_strings

MAX_TOKEN_LENGTH = 300
_SALT = "pulse-unsubscribe-v1"


@dataclass(frozen=True)
class UnsubscribeClaims:
    invitation_id: str
    wave_id: str


class UnsubscribeTokens:
    """Issues and verifies one-click unsubscribe tokens."""

    def __init__(self, secret: str):
        if not secret or len(secret) < 16:
            raise ValueError("the token secret must be at least 16 characters")
        self._serializer = URLSafeSerializer(secret, salt=_SALT)

    def issue(self, invitation_id: str, wave_id: str) -> str:
        """A URL-safe token for the unsubscribe link of one invitation."""
        return self._serializer.dumps([invitation_id, wave_id])

    def read(self, token: str) -> UnsubscribeClaims:
        """Verify a token; any problem raises the same InvitationNotFound."""
        return UnsubscribeClaims(*read_signed_strings(self._serializer, token, 2, MAX_TOKEN_LENGTH))
