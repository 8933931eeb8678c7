"""Distribution records: e-mail sends, opt-outs, and invitation tracking states.

Item shapes (single table, see schema.py; all live in the invitation's partition):

- Send: PK ``INVITE#<invitation id>``, SK ``SEND#INVITATION`` or ``SEND#REMINDER#<n>``;
  GSI1PK ``WAVE#<wave>#SENDS``, GSI1SK ``<invitation id>#<kind>``. Fields: invitation_id,
  wave_id, kind (``INVITATION`` | ``REMINDER#n``), number (0 = invitation), state
  (``sending`` -> ``sent`` | ``failed``), claim_id, claimed_at, sent_at, message_id, error,
  attempts.
- Opt-out: PK ``INVITE#<invitation id>``, SK ``OPTOUT``; GSI1PK ``WAVE#<wave>#OPTOUTS``,
  GSI1SK ``INVITE#<invitation id>``. Fields: invitation_id, wave_id, partner_id, contact_id,
  opted_out_at, method (``page`` | ``one-click``).
- Invitation item (owned by invitations.py): this module moves ``state`` forward only
  (``created`` -> ``sent`` -> ``opened``) with conditions, never over ``started``/``submitted``,
  and sets ``sent_at`` / ``opened_at`` once.

Exactly once: a send is *claimed* with a conditional put (``attribute_not_exists(PK)`` or a
previous ``failed`` attempt) before the mail leaves; only the holder of ``claim_id`` may mark it
``sent``. A claim left in ``sending`` by a crash is recovered by the service (see
services/distribution.py).
"""
from __future__ import annotations

from dataclasses import replace

from chalicelib.domain.invitation_states import OPEN, SEND
from chalicelib.domain.sends import FAILED, SENDING, SENT, SendRecord

from .invitations import invitation_key, state_condition
from .table import DynamoTable

FIELDS = ("invitation_id", "wave_id", "kind", "number", "state", "claim_id", "claimed_at",
          "sent_at", "message_id", "error", "attempts")


def send_key(invitation_id: str, kind: str) -> tuple[str, str]:
    return f"INVITE#{invitation_id}", f"SEND#{kind}"


def send_to_item(record: SendRecord) -> dict:
    pk, sk = send_key(record.invitation_id, record.kind)
    return {"PK": pk, "SK": sk, "type": "send", "GSI1PK": f"WAVE#{record.wave_id}#SENDS",
            "GSI1SK": f"{record.invitation_id}#{record.kind}",
            **{name: getattr(record, name) for name in FIELDS}}


def send_from_item(item: dict) -> SendRecord:
    return SendRecord(**{name: item[name] for name in FIELDS if name in item})


class DynamoSendRepository:
    """Send records, opt-outs and the invitation's forward-only tracking states."""

    def __init__(self, table: DynamoTable):
        self.table = table

    # -- sends ------------------------------------------------------------------------
    def sends_for_wave(self, wave_id: str) -> list[SendRecord]:
        """Every send record of a wave (one GSI1 query, pagination followed)."""
        return [send_from_item(i) for i in self.table.query_all(f"WAVE#{wave_id}#SENDS", index="GSI1")]

    def get_send(self, invitation_id: str, kind: str) -> SendRecord | None:
        """One send record (consistent read), or None."""
        item = self.table.get(*send_key(invitation_id, kind))
        return send_from_item(item) if item else None

    def claim(self, record: SendRecord) -> bool:
        """Claim a send that nobody holds (new, or a failed earlier attempt); False if taken."""
        return self.table.put(
            send_to_item(record),
            condition="attribute_not_exists(PK) OR #state = :failed",
            values={":failed": FAILED}, names={"#state": "state"})

    def reclaim(self, stale: SendRecord, claim_id: str, now: str) -> bool:
        """Take over a claim left in ``sending`` (a crashed run); False if someone else did."""
        fresh = replace(stale, claim_id=claim_id, claimed_at=now, attempts=stale.attempts + 1)
        return self.table.put(
            send_to_item(fresh), condition="#state = :sending AND claim_id = :old",
            values={":sending": SENDING, ":old": stale.claim_id}, names={"#state": "state"})

    def mark_sent(self, invitation_id: str, kind: str, claim_id: str, now: str, message_id: str) -> bool:
        """``sending -> sent``, only for the holder of ``claim_id``."""
        pk, sk = send_key(invitation_id, kind)
        return self.table.update(
            pk, sk, "SET #state = :sent, sent_at = :now, message_id = :mid",
            {":sent": SENT, ":now": now, ":mid": message_id, ":claim": claim_id},
            condition="claim_id = :claim", names={"#state": "state"})

    def mark_failed(self, invitation_id: str, kind: str, claim_id: str, error: str) -> bool:
        """``sending -> failed`` (claimable again by a later run), only for the claim holder."""
        pk, sk = send_key(invitation_id, kind)
        return self.table.update(
            pk, sk, "SET #state = :failed, #error = :error",
            {":failed": FAILED, ":error": error[:500], ":claim": claim_id},
            condition="claim_id = :claim", names={"#state": "state", "#error": "error"})

    # -- opt-outs ----------------------------------------------------------------------
    def add_opt_out(self, *, invitation_id: str, wave_id: str, partner_id: str, contact_id: str,
                    now: str, method: str) -> bool:
        """Record an opt-out; False when it was recorded before (idempotent)."""
        pk, _ = invitation_key(invitation_id)
        return self.table.put({
            "PK": pk, "SK": "OPTOUT", "type": "opt_out", "GSI1PK": f"WAVE#{wave_id}#OPTOUTS",
            "GSI1SK": f"INVITE#{invitation_id}", "invitation_id": invitation_id, "wave_id": wave_id,
            "partner_id": partner_id, "contact_id": contact_id, "opted_out_at": now, "method": method,
        }, condition="attribute_not_exists(PK)")

    def opted_out(self, wave_id: str) -> set[str]:
        """Invitation ids of the wave whose contact opted out."""
        return {i["invitation_id"] for i in self.table.query_all(f"WAVE#{wave_id}#OPTOUTS", index="GSI1")}

    # -- invitation tracking states -------------------------------------------------------
    def mark_invitation_sent(self, invitation_id: str, now: str) -> bool:
        """Invitation ``created -> sent``; False when it is already further along (or missing)."""
        pk, sk = invitation_key(invitation_id)
        values = {":sent": "sent", ":now": now}
        return self.table.update(pk, sk, "SET #state = :sent, sent_at = :now", values,
                                 condition=state_condition(SEND, values), names={"#state": "state"})

    def mark_invitation_opened(self, invitation_id: str, now: str) -> bool:
        """created/sent -> opened, once; never moves a started or submitted invitation back."""
        pk, sk = invitation_key(invitation_id)
        values = {":opened": "opened", ":now": now}
        return self.table.update(pk, sk, "SET #state = :opened, opened_at = :now", values,
                                 condition=state_condition(OPEN, values), names={"#state": "state"})
