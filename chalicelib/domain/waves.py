"""Waves: one run of a survey version, open between two instants."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from .errors import FieldProblem, InvalidInput

WAVE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
OPEN, CLOSED = "open", "closed"


def iso(moment: datetime) -> str:
    """UTC instant as ``YYYY-MM-DDTHH:MM:SSZ`` (sorts as text)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_instant(value: str, field: str = "closes") -> datetime:
    """Parse a date (end of that day, UTC) or an ISO date-time."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return datetime.combine(date.fromisoformat(value), time(23, 59, 59), UTC)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(FieldProblem(field, f"'{value}' is not a date (YYYY-MM-DD) or ISO date-time")) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_wave_id(wave_id: str) -> str:
    if not isinstance(wave_id, str) or not WAVE_ID.match(wave_id):
        raise InvalidInput(FieldProblem("wave", "must be lowercase letters, digits or '-' (e.g. px-2026-h1)"))
    return wave_id


@dataclass(frozen=True)
class Wave:
    wave_id: str
    survey_id: str
    survey_version: int
    status: str
    opens_at: str
    closes_at: str
    closed_at: str | None = None

    def accepts_answers(self, now: datetime) -> bool:
        return self.status == OPEN and iso(now) < self.closes_at

    @property
    def closed_on(self) -> str:
        """When answers stopped (or will stop) being accepted."""
        return self.closed_at or self.closes_at
