"""Invitations and responses: what a partner contact was asked and what they answered."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PARTIAL, SUBMITTED = "partial", "submitted"


@dataclass(frozen=True)
class Invitation:
    invitation_id: str
    wave_id: str
    partner_id: str
    contact_id: str
    language: str
    created_at: str
    state: str = "created"  # created -> sent -> opened -> started -> submitted; created -> cancelled


@dataclass(frozen=True)
class Response:
    invitation_id: str
    wave_id: str
    survey_id: str
    survey_version: int
    partner_id: str
    contact_id: str
    language: str
    answers: dict[str, Any]
    status: str
    version: int
    created_at: str
    updated_at: str
    submitted_at: str | None = None
    partner: dict[str, Any] = field(default_factory=dict)
    page: str | None = None  # paged form: the page the partner was on when this was saved (resume there)

    @property
    def is_submitted(self) -> bool:
        return self.status == SUBMITTED
