"""Staff tokens and identities: roles, scopes, expiry, and no confusion with partner tokens."""
import time

import pytest

from chalicelib.domain.errors import InvitationNotFound
from chalicelib.security.staff import (
    Scope,
    StaffAuthError,
    StaffForbidden,
    StaffTokens,
    identity_from_cognito,
    parse_duration,
    parse_scope,
)
from chalicelib.security.tokens import InvitationClaims, InvitationTokens
from tests.builders import TEST_SECRET


def test_issued_token_reads_back_with_role_and_scope():
    tokens = StaffTokens(TEST_SECRET)
    identity = tokens.read(tokens.issue("ana@vendor.example", "viewer", Scope("region", "EMEA")))
    assert (identity.subject, identity.role, str(identity.scope)) == ("ana@vendor.example", "viewer", "region=EMEA")
    assert identity.admits({"region": "EMEA"}) and not identity.admits({"region": "APJ"})


def test_scope_only_limits_viewers():
    tokens = StaffTokens(TEST_SECRET)
    analyst = tokens.read(tokens.issue("a", "analyst", Scope("region", "EMEA")))
    assert analyst.effective_scope() is None and analyst.admits({"region": "APJ"})


def test_expired_token_is_refused():
    tokens = StaffTokens(TEST_SECRET)
    token = tokens.issue("a", "admin", lifetime_seconds=1)
    time.sleep(2.1)
    with pytest.raises(StaffAuthError, match="expired"):
        tokens.read(token)


def test_tampered_and_foreign_secret_tokens_are_refused():
    token = StaffTokens(TEST_SECRET).issue("a", "admin")
    with pytest.raises(StaffAuthError):
        StaffTokens("another-secret-of-enough-length").read(token)
    with pytest.raises(StaffAuthError):
        StaffTokens(TEST_SECRET).read(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    for junk in ("", "x" * 2000, "not.a.token", None):
        with pytest.raises(StaffAuthError):
            StaffTokens(TEST_SECRET).read(junk)


def test_partner_token_is_not_a_staff_token_and_staff_token_is_not_a_partner_token():
    partner = InvitationTokens(TEST_SECRET).issue(InvitationClaims("inv1", "P001", "w1"))
    with pytest.raises(StaffAuthError):
        StaffTokens(TEST_SECRET).read(partner)
    staff = StaffTokens(TEST_SECRET).issue("a", "admin")
    with pytest.raises(InvitationNotFound):
        InvitationTokens(TEST_SECRET).read(staff)


def test_role_ordering():
    tokens = StaffTokens(TEST_SECRET)
    viewer = tokens.read(tokens.issue("v", "viewer"))
    with pytest.raises(StaffForbidden):
        viewer.require("analyst")
    tokens.read(tokens.issue("x", "admin")).require("admin")


@pytest.mark.parametrize("text", ["region", "planet=mars", "region=", "region=EM EA", "tier=<b>"])
def test_bad_scopes_are_refused(text):
    with pytest.raises(ValueError):
        parse_scope(text)


def test_durations():
    assert parse_duration("8h") == 8 * 3600 and parse_duration("30m") == 1800
    for bad in ("0h", "31d", "8 hours", ""):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_cognito_groups_map_to_the_strongest_role_and_scope():
    identity = identity_from_cognito({"email": "v@vendor.example", "cognito:groups": ["viewer", "analyst"],
                                      "custom:scope": "tier=principal"})
    assert identity.role == "analyst" and str(identity.scope) == "tier=principal"
    with pytest.raises(StaffForbidden):
        identity_from_cognito({"email": "x@vendor.example", "cognito:groups": ["marketing"]})
