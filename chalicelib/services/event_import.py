"""Backfilling program events from a CSV file (``pulse events import``): every row checked first.

Columns: ``event_id, event_type, partner_id, occurred_at`` (required), ``contact_email``,
``contact_language``, then one column per event attribute (its name; empty = not given). Problems are
``line N, column X`` (the CLI turns them into FILE:LINE:COLUMN); with any problem nothing is stored.
Re-importing a file stores nothing twice (event ids are stored once).
"""
from __future__ import annotations

import csv
import io
from datetime import datetime

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.partners import FALSE_WORDS, TRUE_WORDS
from chalicelib.domain.pulses import ProgramEvent, parse_event

BASE_COLUMNS = ("event_id", "event_type", "partner_id", "occurred_at", "contact_email", "contact_language")
MAX_ROWS = 200_000


def _typed(value: str, kind: str | None):
    if kind == "number":
        try:
            number = float(value.replace(",", ""))
        except ValueError:
            return value  # the schema check names it
        return int(number) if number.is_integer() else number
    if kind == "boolean":
        word = value.lower()
        return True if word in TRUE_WORDS else False if word in FALSE_WORDS else value
    return value


def parse_event_csv(text: str, program, now: datetime) -> list[ProgramEvent]:
    """Every row as a validated event, or InvalidInput with every problem (``line N, column X``)."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    problems = [FieldProblem("line 1, column " + c, "column is required") for c in BASE_COLUMNS[:4] if c not in header]
    if problems:
        raise InvalidInput(problems)
    events, seen = [], {}
    for line, row in enumerate(reader, start=2):
        if line > MAX_ROWS + 1:
            raise InvalidInput(FieldProblem(f"line {line}", f"at most {MAX_ROWS} events per file"))
        cells = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if None in row:
            problems.append(FieldProblem(f"line {line}, column (extra)", "row has more cells than the header"))
            continue
        event_type = program.event_type(cells.get("event_type", ""))
        kinds = {a.name: a.type for a in event_type.attributes} if event_type else {}
        body = {"event_id": cells.get("event_id", ""), "event_type": cells.get("event_type", ""),
                "partner_id": cells.get("partner_id", ""), "occurred_at": cells.get("occurred_at", ""),
                "attributes": {name: _typed(value, kinds.get(name)) for name, value in cells.items()
                               if name not in BASE_COLUMNS and value != ""}}
        if cells.get("contact_email"):
            body["contact"] = {"email": cells["contact_email"],
                               **({"language": cells["contact_language"]} if cells.get("contact_language") else {})}
        try:
            event = parse_event(body, program.event_types, now)
        except InvalidInput as error:
            for problem in error.problems:
                column = problem.field.removeprefix("attributes.").replace("contact.email", "contact_email") \
                    .replace("contact.language", "contact_language")
                problems.append(FieldProblem(f"line {line}, column {column}", problem.message))
            continue
        if event.event_id in seen:
            problems.append(FieldProblem(f"line {line}, column event_id",
                                         f"'{event.event_id}' is also on line {seen[event.event_id]}"))
            continue
        seen[event.event_id] = line
        events.append(event)
    if problems:
        raise InvalidInput(problems, summary=f"{len(problems)} problem(s); nothing was imported")
    return events


def import_events(store, program, text: str, now: datetime, source: str = "import") -> dict:
    """Validate the whole file, then store each event once: counts of new, duplicate and expired."""
    from .events import store_event

    counts = {"rows": 0, "stored": 0, "duplicates": 0, "expired": 0}
    for event in parse_event_csv(text, program, now):
        counts["rows"] += 1
        new, result = store_event(store, program, event, now, source)
        counts["stored" if new else "duplicates"] += 1
        counts["expired"] += int(new and "pulse" in result)
    return counts
