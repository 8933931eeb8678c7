"""Invitations. Item: PK ``INVITE#<id>``, SK ``INVITATION``; GSI1 ``WAVE#<id>#INVITATIONS``."""
from __future__ import annotations

from chalicelib.domain.invitation_states import CANCEL, TRANSITIONS
from chalicelib.domain.responses import Invitation

from .table import DynamoTable


def state_condition(event: str, values: dict, prefix: str = ":from") -> str:
    """A condition that holds when the invitation exists in a state ``event`` may leave.

    Fills ``values`` with the placeholders; the caller maps ``#state`` to ``state``."""
    names = []
    for n, state in enumerate(TRANSITIONS[event][0]):
        values[f"{prefix}{n}"] = state
        names.append(f"{prefix}{n}")
    return f"attribute_exists(PK) AND #state IN ({', '.join(names)})"


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
        return self.transition(invitation_id, CANCEL, "")

    def transition(self, invitation_id: str, event: str, now: str) -> bool:
        """Apply a state-machine event (cancel, withdraw, expire ...) in one conditional write.

        False when the invitation is missing or its state does not allow the event."""
        pk, sk = invitation_key(invitation_id)
        values: dict = {":to": TRANSITIONS[event][1]}
        condition = state_condition(event, values)
        expression = "SET #state = :to"
        if now:
            values[":now"] = now
            expression += f", {event}_at = :now"
        return self.table.update(pk, sk, expression, values, condition=condition, names={"#state": "state"})
