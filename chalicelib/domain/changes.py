"""A program change: what changed (in words), when it took effect, and for whom.

The affected segments use the program's own terms: tiers, regions, incentive programs and
partner types (AND across dimensions, OR within one), or an explicit partner list (always
affected). Linked metrics say what the change should move: ``nps:<question>``,
``top2:<question>`` (top-2-box of a rating) or ``mean:<question>``.
Standard library only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .errors import FieldProblem, InvalidInput
from .text import text_problem

SEGMENT_DIMENSIONS = ("tiers", "regions", "programs", "partner_types")
METRIC_KINDS = ("nps", "top2", "mean")
CHANGE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
QUESTION_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,80}$")
VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.&/-]{0,80}$")
MAX_PARTNERS = 2000
MAX_TEXT = 2000


@dataclass(frozen=True)
class Segments:
    """Who a change (or an action) targets."""

    tiers: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    partner_types: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()

    def is_everyone(self) -> bool:
        return not any(getattr(self, d) for d in SEGMENT_DIMENSIONS) and not self.partners

    def matches(self, partner_id: str, attributes: dict) -> bool:
        """Whether a partner with these (snapshot) attributes is affected."""
        if partner_id in self.partners:
            return True
        if not any(getattr(self, d) for d in SEGMENT_DIMENSIONS):
            return not self.partners  # no dimension and no list: everyone
        for dim, attr in (("tiers", "tier"), ("regions", "region")):
            wanted = getattr(self, dim)
            if wanted and attributes.get(attr) not in wanted:
                return False
        for dim in ("programs", "partner_types"):
            wanted = getattr(self, dim)
            if wanted and not set(_as_tuple(attributes.get(dim))) & set(wanted):
                return False
        return True

    def describe(self) -> str:
        parts = []
        for dim, name in (("tiers", "tier"), ("regions", "region"), ("programs", "program"),
                          ("partner_types", "partner type")):
            values = getattr(self, dim)
            if values:
                parts.append(f"{name} {' or '.join(values)}")
        text = ", ".join(parts)
        if self.partners:
            listed = f"{len(self.partners)} listed partner{'s' if len(self.partners) != 1 else ''}"
            text = f"{text} or {listed}" if text else listed
        return text or "all partners"

    def to_dict(self) -> dict:
        return {d: list(getattr(self, d)) for d in (*SEGMENT_DIMENSIONS, "partners") if getattr(self, d)}


@dataclass(frozen=True)
class MetricRef:
    """A metric a change or action is expected to move."""

    kind: str
    question: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.question}"


@dataclass(frozen=True)
class ProgramChange:
    change_id: str
    description: str
    effective: date
    segments: Segments = field(default_factory=Segments)
    metrics: tuple[MetricRef, ...] = ()
    actions: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"change_id": self.change_id, "description": self.description,
                "effective": self.effective.isoformat(), "segments": self.segments.to_dict(),
                "metrics": [str(m) for m in self.metrics], "actions": list(self.actions)}


def _as_tuple(value) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v for v in value.replace("|", ";").split(";") if v) if value else ()
    return tuple(value)


def parse_segments(data: Any, problems: list[FieldProblem], where: str = "segments") -> Segments:
    if data is None:
        return Segments()
    if not isinstance(data, dict):
        problems.append(FieldProblem(where, "must be a mapping of tiers, regions, programs, partner_types, partners"))
        return Segments()
    unknown = sorted(set(data) - set(SEGMENT_DIMENSIONS) - {"partners"})
    for key in unknown:
        problems.append(FieldProblem(f"{where}.{key}", "is not a segment dimension (use tiers, regions, programs, "
                                                       "partner_types or partners)"))
    values = {}
    for key in (*SEGMENT_DIMENSIONS, "partners"):
        raw = data.get(key)
        if raw is None:
            values[key] = ()
            continue
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            problems.append(FieldProblem(f"{where}.{key}", "must be a list of text values"))
            values[key] = ()
            continue
        limit = MAX_PARTNERS if key == "partners" else 50
        if len(raw) > limit:
            problems.append(FieldProblem(f"{where}.{key}", f"has more than {limit} values"))
        bad = [v for v in raw if not VALUE.match(v)]
        if bad:
            problems.append(FieldProblem(f"{where}.{key}", f"has an invalid value {bad[0][:40]!r}"))
        values[key] = tuple(dict.fromkeys(raw))
    return Segments(**values)


def parse_metric(text: Any, where: str, problems: list[FieldProblem]) -> MetricRef | None:
    if not isinstance(text, str) or ":" not in text:
        problems.append(FieldProblem(where, "must be 'nps:<question>', 'top2:<question>' or 'mean:<question>'"))
        return None
    kind, question = text.split(":", 1)
    if kind not in METRIC_KINDS:
        problems.append(FieldProblem(where, f"kind {kind[:20]!r} is not one of {', '.join(METRIC_KINDS)}"))
        return None
    if not QUESTION_ID.match(question):
        problems.append(FieldProblem(where, f"question id {question[:40]!r} is not valid"))
        return None
    return MetricRef(kind, question)


def parse_date(value: Any, where: str, problems: list[FieldProblem]) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    problems.append(FieldProblem(where, "must be a date YYYY-MM-DD"))
    return None


def parse_change(data: Any) -> ProgramChange:
    """Validate a change record (from YAML, JSON or a form); every problem names its field."""
    if not isinstance(data, dict):
        raise InvalidInput(FieldProblem("(root)", "a change must be a mapping"))
    problems: list[FieldProblem] = []
    known = {"id", "change_id", "description", "effective", "segments", "metrics", "actions"}
    for key in sorted(set(data) - known, key=str):
        problems.append(FieldProblem(str(key), "is not a field of a change"))
    change_id = data.get("id", data.get("change_id"))
    if not isinstance(change_id, str) or not CHANGE_ID.match(change_id):
        problems.append(FieldProblem("id", "must be 1-63 lower-case letters, digits or '-'"))
    description = data.get("description")
    if not isinstance(description, str) or not description.strip():
        problems.append(FieldProblem("description", "is required (what changed, in words)"))
    elif len(description) > MAX_TEXT:
        problems.append(FieldProblem("description", f"is longer than {MAX_TEXT} characters"))
    elif text_problem(description, multiline=True):
        problems.append(FieldProblem("description", text_problem(description, multiline=True)))
    effective = parse_date(data.get("effective"), "effective", problems)
    segments = parse_segments(data.get("segments"), problems)
    raw_metrics = data.get("metrics") or []
    metrics = []
    if not isinstance(raw_metrics, list):
        problems.append(FieldProblem("metrics", "must be a list"))
        raw_metrics = []
    for i, item in enumerate(raw_metrics[:20]):
        metric = parse_metric(item, f"metrics[{i}]", problems)
        if metric:
            metrics.append(metric)
    actions = data.get("actions") or []
    if not isinstance(actions, list) or not all(isinstance(a, str) and CHANGE_ID.match(a) for a in actions):
        problems.append(FieldProblem("actions", "must be a list of action ids"))
        actions = []
    if problems:
        raise InvalidInput(problems)
    return ProgramChange(change_id, description.strip(), effective, segments, tuple(metrics), tuple(actions))
