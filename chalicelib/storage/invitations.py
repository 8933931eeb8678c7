"""Invitations. Item: PK ``INVITE#<id>``, SK ``INVITATION``; GSI1 ``WAVE#<id>#INVITATIONS``."""
from __future__ import annotations

from chalicelib.domain.responses import Invitation

from .table import DynamoTable

FIELDS = ("invitation_id", "wave_id", "partner_id", "contact_id", "language", "created_at", "state")


def invitation_key(invitation_id: str) -> tuple[str, str]:
    return f"INVITE#{invitation_id}", "INVITATION"


def invitation_to_item(invitation: Invitation) -> dict:
    pk, sk = invitation_key(invitation.invitation_id)
    return {"PK": pk, "SK": sk, "type": "invitation",
            "GSI1PK": f"WAVE#{invitation.wave_id}#INVITATIONS",
            "GSI1SK": f"PARTNER#{invitation.partner_id}#{invitation.contact_id}",
            **{name: getattr(invitation, name) for name in FIELDS}}


def invitation_from_item(item: dict) -> Invitation:
    return Invitation(**{name: item[name] for name in FIELDS if name in item})


class DynamoInvitationRepository:
    def __init__(self, table: DynamoTable):
        self.table = table

    def get(self, invitation_id: str) -> Invitation | None:
        item = self.table.get(*invitation_key(invitation_id))
        return invitation_from_item(item) if item else None

    def for_wave(self, wave_id: str) -> list[Invitation]:
        """Every invitation of a wave (pagination followed to the end)."""
        return [invitation_from_item(i)
                for i in self.table.query_all(f"WAVE#{wave_id}#INVITATIONS", index="GSI1")]

    def add_new(self, invitations: list[Invitation]) -> list[Invitation]:
        """Store the invitations the wave does not have yet; return those stored."""
        if not invitations:
            return []
        known = {i.invitation_id for i in self.for_wave(invitations[0].wave_id)}
        new = [i for i in invitations if i.invitation_id not in known]
        self.table.batch_put([invitation_to_item(i) for i in new])
        return new

    def put_many(self, invitations: list[Invitation]) -> int:
        """Overwrite invitations (bulk loads such as the demo); not for the request path."""
        return self.table.batch_put([invitation_to_item(i) for i in invitations])

    def cancel(self, invitation_id: str) -> bool:
        """Mark an unsent invitation cancelled; False when it was sent or used meanwhile."""
        pk, sk = invitation_key(invitation_id)
        return self.table.update(pk, sk, "SET #state = :cancelled", {":cancelled": "cancelled", ":created": "created"},
                                 condition="#state = :created", names={"#state": "state"})
