import base64
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.errors import InvitationNotFound
from chalicelib.security.tokens import InvitationClaims, InvitationTokens
from tests.builders import TEST_SECRET

TOKENS = InvitationTokens(TEST_SECRET)
CLAIMS = InvitationClaims("abc123", "P0001", "px-2026-h1")


def test_issued_token_reads_back():
    assert TOKENS.read(TOKENS.issue(CLAIMS)) == CLAIMS


def test_invitation_ids_are_deterministic_and_secret_dependent():
    same = TOKENS.invitation_id("w", "P1", "C1")
    assert same == TOKENS.invitation_id("w", "P1", "C1")
    assert same != TOKENS.invitation_id("w", "P1", "C2")
    assert same != InvitationTokens("another-secret-0123456789").invitation_id("w", "P1", "C1")
    assert len(same) == 22  # 128 bits


def test_tampered_payload_is_rejected():
    token = TOKENS.issue(CLAIMS)
    payload, signature = token.split(".")
    forged = base64.urlsafe_b64encode(json.dumps(["abc123", "P0002", "px-2026-h1"]).encode()).rstrip(b"=")
    with pytest.raises(InvitationNotFound):
        TOKENS.read(forged.decode() + "." + signature)


def test_token_from_another_secret_is_rejected():
    with pytest.raises(InvitationNotFound):
        TOKENS.read(InvitationTokens("another-secret-0123456789").issue(CLAIMS))


def test_payload_has_no_personal_data():
    payload = TOKENS.issue(CLAIMS).split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert "@" not in decoded and json.loads(decoded) == ["abc123", "P0001", "px-2026-h1"]


@settings(max_examples=500)
@given(st.text(max_size=500))
def test_random_strings_are_never_accepted(token):
    with pytest.raises(InvitationNotFound):
        TOKENS.read(token)


def test_short_secret_is_refused():
    with pytest.raises(ValueError):
        InvitationTokens("short")
