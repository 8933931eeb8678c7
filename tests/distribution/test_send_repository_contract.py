"""The send repository's conditional writes, on moto and on DynamoDB Local (the contract)."""
from __future__ import annotations

from chalicelib.domain.responses import Invitation
from chalicelib.domain.sends import FAILED, SENDING, SENT, SendRecord
from chalicelib.storage.invitations import DynamoInvitationRepository
from chalicelib.storage.sends import DynamoSendRepository
from chalicelib.storage.suppressions import DynamoSuppressionRepository


def claim(claim_id: str, kind: str = "INVITATION") -> SendRecord:
    return SendRecord("inv1", "w1", kind, 0, SENDING, claim_id, "2026-01-01T00:00:00Z")


def test_a_send_can_be_claimed_once_and_only_its_holder_marks_it(any_table):
    sends = DynamoSendRepository(any_table)

    assert sends.claim(claim("a")) is True
    assert sends.claim(claim("b")) is False
    assert sends.mark_sent("inv1", "INVITATION", "b", "2026-01-01T00:01:00Z", "m-b") is False
    assert sends.mark_sent("inv1", "INVITATION", "a", "2026-01-01T00:01:00Z", "m-a") is True
    record = sends.get_send("inv1", "INVITATION")
    assert (record.state, record.message_id) == (SENT, "m-a")
    assert [r.kind for r in sends.sends_for_wave("w1")] == ["INVITATION"]


def test_a_failed_send_can_be_claimed_again_and_a_stale_claim_taken_over_once(any_table):
    sends = DynamoSendRepository(any_table)
    sends.claim(claim("a"))
    sends.mark_failed("inv1", "INVITATION", "a", "rejected")
    assert sends.get_send("inv1", "INVITATION").state == FAILED
    assert sends.claim(claim("b")) is True

    stale = sends.get_send("inv1", "INVITATION")
    assert sends.reclaim(stale, "c", "2026-01-01T01:00:00Z") is True
    assert sends.reclaim(stale, "d", "2026-01-01T01:00:00Z") is False  # someone took it over first
    assert sends.get_send("inv1", "INVITATION").attempts == 2


def test_invitation_state_only_moves_forward(any_table):
    invitations = DynamoInvitationRepository(any_table)
    sends = DynamoSendRepository(any_table)
    invitations.add_new([Invitation("inv1", "w1", "P1", "C1", "en", "2026-01-01T00:00:00Z")])

    assert sends.mark_invitation_sent("inv1", "t1") is True
    assert sends.mark_invitation_sent("inv1", "t2") is False
    assert sends.mark_invitation_opened("inv1", "t3") is True
    assert sends.mark_invitation_opened("inv1", "t4") is False
    assert sends.mark_invitation_opened("missing", "t4") is False
    assert invitations.get("inv1").state == "opened"


def test_opt_outs_and_suppressions_round_trip(any_table):
    sends = DynamoSendRepository(any_table)
    suppressions = DynamoSuppressionRepository(any_table)
    assert sends.add_opt_out(invitation_id="inv1", wave_id="w1", partner_id="P1", contact_id="C1",
                             now="t", method="one-click") is True
    assert sends.add_opt_out(invitation_id="inv1", wave_id="w1", partner_id="P1", contact_id="C1",
                             now="t", method="page") is False
    assert sends.opted_out("w1") == {"inv1"} and sends.opted_out("w2") == set()
    suppressions.add_many([("A@X.example", "bounce"), ("a@x.example", "manual")], "test", "t")
    assert suppressions.suppressed_among(["a@x.example", "b@x.example"]) == {"a@x.example"}
    assert suppressions.is_suppressed("a@X.EXAMPLE")
