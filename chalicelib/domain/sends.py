"""Send records: one per e-mail that must go out at most once (an invitation, reminder #n)."""
from __future__ import annotations

from dataclasses import dataclass

SENDING, SENT, FAILED = "sending", "sent", "failed"
INVITATION_KIND = "INVITATION"


def reminder_kind(number: int) -> str:
    return f"REMINDER#{number}"


@dataclass(frozen=True)
class SendRecord:
    """``state``: sending (claimed, maybe not yet out) -> sent | failed (may be claimed again)."""

    invitation_id: str
    wave_id: str
    kind: str  # INVITATION | REMINDER#n
    number: int  # 0 for the invitation
    state: str
    claim_id: str
    claimed_at: str
    sent_at: str | None = None
    message_id: str | None = None
    error: str | None = None
    attempts: int = 1

    @property
    def last_activity(self) -> str:
        return self.sent_at or self.claimed_at
