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
    # Who is invited: None = the whole directory (waves opened before audiences existed);
    # else {"source": "file x.csv" | "filters", "filters": {...}, "partner_ids": [...]}, fixed at opening.
    audience: dict | None = None
    # How reports and pages name the wave ("H1 2026"); None: the wave id. Never guessed from dates.
    title: str | None = None

    def in_audience(self, partner_id: str) -> bool:
        """True when the wave's audience includes this partner."""
        return self.audience is None or partner_id in set(self.audience.get("partner_ids") or [])

    def accepts_answers(self, now: datetime) -> bool:
        return self.status == OPEN and iso(now) < self.closes_at

    @property
    def closed_on(self) -> str:
        """When answers stopped (or will stop) being accepted."""
        return self.closed_at or self.closes_at


WAVE_TITLE_MAX = 60


def check_wave_title(title) -> str | None:
    """A wave's title: one line of at most WAVE_TITLE_MAX characters, or None (blank)."""
    if title is None or (isinstance(title, str) and not title.strip()):
        return None
    if not isinstance(title, str) or not title.isprintable() or len(title.strip()) > WAVE_TITLE_MAX:
        raise InvalidInput(FieldProblem("title", f"must be one line of at most {WAVE_TITLE_MAX} characters, "
                                        "such as 'H1 2026'"))
    return " ".join(title.split())


def wave_label(wave_id: str, title: str | None) -> str:
    """How the wave is named to readers: its title, else its id."""
    return title or wave_id


MAX_AUDIENCE = 20000  # partner ids kept on the wave item (well under DynamoDB's 400 KB)


def parse_audience_csv(text: str) -> list[str]:
    """Partner ids of an audience CSV (a ``partner_id`` column; other columns ignored)."""
    import csv
    import io

    from .partners import PARTNER_ID

    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    if "partner_id" not in header:
        first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
        hint = "; the header looks separated by semicolons: save as comma-separated CSV" \
            if ";" in first and len(header) <= 1 else ""
        raise InvalidInput(FieldProblem("line 1", f"the audience file needs a partner_id column{hint}"))
    ids: list[str] = []
    problems = []
    for row in reader:
        value = (row.get("partner_id") or "").strip()
        if not PARTNER_ID.match(value):
            problems.append(FieldProblem(f"line {reader.line_num}, column partner_id",
                                         "must be letters, digits, '-' or '_' (1-64)"))
        elif value not in ids:
            ids.append(value)
    if not ids and not problems:
        problems.append(FieldProblem("line 2", "the audience file lists no partners"))
    if len(ids) > MAX_AUDIENCE:
        problems.append(FieldProblem("partner_id", f"lists {len(ids)} partners; the limit is {MAX_AUDIENCE}"))
    if problems:
        raise InvalidInput(problems, summary=f"{len(problems)} problem(s) in the audience file")
    return ids
