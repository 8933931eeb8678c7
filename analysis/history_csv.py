"""Past waves from a CSV file (Partner Pulse's own layout, or another tool's export with a column
mapping) as a respondent frame for trends, panels and effect estimates.

Layout: one row per response; ``wave_id``, ``wave_date`` (YYYY-MM-DD), ``partner_id`` required;
``contact_id``, ``tier``, ``region``, ``programs`` and ``partner_types`` (values separated by ';'),
``weight`` optional; every other column is a question id with a numeric answer (blank = not
answered). A mapping renames another tool's columns first: ``{"columns": {"Their column": "our_id"}}``.
Every problem is reported as FILE:LINE:COLUMN: message (line 1 is the header).
"""
from __future__ import annotations

import csv
import io
import math
from datetime import date

import pandas as pd

from chalicelib.domain.errors import FieldProblem, InvalidInput

REQUIRED = ("wave_id", "wave_date", "partner_id")
ATTRIBUTES = ("contact_id", "tier", "region", "country", "programs", "partner_types")
LIST_COLUMNS = ("programs", "partner_types")
MAX_PROBLEMS = 50
MAX_ROWS = 2_000_000


def read_history_csv(text: str, name: str, mapping: dict | None = None,
                     scales: dict[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """Parse and validate; ``scales`` bounds answers per question id (default 0..10)."""
    rename = dict((mapping or {}).get("columns") or {})
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput(FieldProblem(f"{name}:1:1", "the file is empty")) from None
    header = [rename.get(h.strip(), h.strip()) for h in header]
    problems: list[FieldProblem] = []
    for column in REQUIRED:
        if column not in header:
            problems.append(FieldProblem(f"{name}:1:1", f"missing column {column!r}"))
    seen = set()
    for i, column in enumerate(header, start=1):
        if not column:
            problems.append(FieldProblem(f"{name}:1:{i}", "empty column name"))
        elif column in seen:
            problems.append(FieldProblem(f"{name}:1:{i}", f"column {column!r} appears twice"))
        seen.add(column)
    if problems:
        raise InvalidInput(problems)
    questions = [c for c in header if c not in REQUIRED and c not in ATTRIBUTES and c != "weight"]
    records = []
    for line_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(records) >= MAX_ROWS:
            problems.append(FieldProblem(f"{name}:{line_no}:1", f"more than {MAX_ROWS} rows"))
            break
        if len(row) != len(header):
            problems.append(FieldProblem(f"{name}:{line_no}:1",
                                         f"has {len(row)} columns, the header has {len(header)}"))
            continue
        record = _record(row, header, questions, name, line_no, problems, scales or {})
        if record is not None:
            records.append(record)
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise InvalidInput(problems, summary=f"{name}: {len(problems)} problem(s)" if len(problems) > 1 else None)
    if not records:
        raise InvalidInput(FieldProblem(f"{name}:2:1", "no response rows"))
    return pd.DataFrame.from_records(records, columns=[*REQUIRED, *ATTRIBUTES, "weight", *questions])


def _record(row, header, questions, name, line_no, problems, scales) -> dict | None:
    cells = {column: cell.strip() for column, cell in zip(header, row, strict=True)}
    col = {column: i for i, column in enumerate(header, start=1)}
    before = len(problems)
    record: dict = {}
    for column in ("wave_id", "partner_id"):
        if not cells[column]:
            problems.append(FieldProblem(f"{name}:{line_no}:{col[column]}", f"{column} is empty"))
        record[column] = cells[column][:120]
    try:
        record["wave_date"] = date.fromisoformat(cells["wave_date"]).isoformat()
    except ValueError:
        problems.append(FieldProblem(f"{name}:{line_no}:{col['wave_date']}",
                                     f"wave_date {cells['wave_date'][:30]!r} is not a date YYYY-MM-DD"))
    for column in ATTRIBUTES:
        value = cells.get(column, "")
        if column in LIST_COLUMNS:
            record[column] = tuple(v.strip() for v in value.split(";") if v.strip())
        else:
            record[column] = value or None
    record["weight"] = 1.0
    if "weight" in cells and cells["weight"]:
        weight = _number(cells["weight"])
        if weight is None or weight <= 0:
            problems.append(FieldProblem(f"{name}:{line_no}:{col['weight']}", "weight must be a positive number"))
        else:
            record["weight"] = weight
    for question in questions:
        value = cells[question]
        if not value:
            record[question] = math.nan
            continue
        number = _number(value)
        low, high = scales.get(question, (0.0, 10.0))
        if number is None or not low <= number <= high:
            problems.append(FieldProblem(f"{name}:{line_no}:{col[question]}",
                                         f"{question}: {value[:30]!r} is not a number from {low:g} to {high:g}"))
            continue
        record[question] = number
    return record if len(problems) == before else None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
