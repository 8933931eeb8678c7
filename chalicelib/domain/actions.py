"""Action plans: an owned decision taken because of a finding, with its status workflow.

An action has a title, an owner (e-mail), a due date, the finding that prompted it (kind and
reference), the metrics it should move, the target segments, the expected direction, notes and
a history of every change. Status: proposed -> approved -> in_progress -> done, or dropped (with
a reason) from any open status; done and dropped are final. Standard library only.
"""
from __future__ import annotations

import re
import secrets
from datetime import date, datetime
from typing import Any

from .changes import Segments, parse_date, parse_segments
from .errors import FieldProblem, InvalidInput
from .text import text_problem

STATUSES = ("proposed", "approved", "in_progress", "done", "dropped")
OPEN_STATUSES = ("proposed", "approved", "in_progress")
TRANSITIONS = {
    "proposed": ("approved", "dropped"),
    "approved": ("in_progress", "dropped"),
    "in_progress": ("done", "dropped"),
    "done": (),
    "dropped": (),
}
FINDING_KINDS = ("driver", "theme", "question", "comparison", "followup_pattern")
METRIC_KINDS = ("nps", "top2", "mean", "theme_share", "theme_tone")
DIRECTIONS = ("up", "down")
ACTION_ID = re.compile(r"^act-[a-z0-9]{6,20}$")
REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:=-]{0,80}$")
ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
SEGMENT = re.compile(r"^(tier|region|country|partner_type|program|transacting|revenue_band)=[A-Za-z0-9 _.&/-]{1,60}$")
MAX_TITLE = 200
MAX_NOTE = 2000
MAX_NOTES = 100
MAX_REASON = 500
MAX_LABEL = 300
UPDATABLE = ("title", "owner", "due", "metrics", "segments", "direction", "status", "reason", "note")


class ForbiddenTransition(InvalidInput):
    """A status change the workflow does not allow."""


def new_action_id() -> str:
    return "act-" + secrets.token_hex(5)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(data: dict, name: str, limit: int, problems: list, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(FieldProblem(name, "is required"))
        return None
    if not isinstance(value, str):
        problems.append(FieldProblem(name, "must be text"))
        return None
    if len(value) > limit:
        problems.append(FieldProblem(name, f"is longer than {limit} characters"))
        return None
    problem = text_problem(value, multiline=name == "note")
    if problem:
        problems.append(FieldProblem(name, problem))
        return None
    return " ".join(value.split()) if name != "note" else value.strip()


def parse_finding(data: Any, problems: list[FieldProblem]) -> dict | None:
    """``{"kind", "wave_id", "ref", "segment"?, "label"?}``: e.g. a driver (ref = question id),
    a theme (theme id), a question in a segment (question id + ``tier=advanced``), a comparison
    (question id + segment), a follow-up pattern (a reason such as ``detractor``)."""
    if not isinstance(data, dict):
        problems.append(FieldProblem("finding", "must be an object with kind, wave_id and ref"))
        return None
    kind = data.get("kind")
    if kind not in FINDING_KINDS:
        problems.append(FieldProblem("finding.kind", f"must be one of {', '.join(FINDING_KINDS)}"))
    for name in ("wave_id", "ref"):
        value = data.get(name)
        if not isinstance(value, str) or not REF.match(value):
            problems.append(FieldProblem(f"finding.{name}", "must be an id (letters, digits, _ . : = -)"))
    segment = data.get("segment") or None
    if segment is not None and (not isinstance(segment, str) or not SEGMENT.match(segment)):
        problems.append(FieldProblem("finding.segment", "must look like tier=advanced or region=EMEA"))
    label = data.get("label") or ""
    if not isinstance(label, str) or len(label) > MAX_LABEL or text_problem(label):
        problems.append(FieldProblem("finding.label", f"must be text of at most {MAX_LABEL} characters"))
        label = ""
    unknown = sorted(set(data) - {"kind", "wave_id", "ref", "segment", "label"}, key=str)
    for name in unknown:
        problems.append(FieldProblem(f"finding.{name}", "is not a field of a finding"))
    return {"kind": kind, "wave_id": data.get("wave_id"), "ref": data.get("ref"), "segment": segment,
            "label": " ".join(label.split())}


def finding_key(finding: dict) -> str:
    """One string per finding, for badges and filters: ``driver:w1:q_portal`` (``@tier=advanced``)."""
    key = f"{finding['kind']}:{finding['wave_id']}:{finding['ref']}"
    return f"{key}@{finding['segment']}" if finding.get("segment") else key


def parse_metrics(value: Any, problems: list[FieldProblem]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or len(value) > 20:
        problems.append(FieldProblem("metrics", "must be a list of at most 20 metrics"))
        return []
    out = []
    for i, item in enumerate(value):
        kind, _, ref = item.partition(":") if isinstance(item, str) else ("", "", "")
        if kind not in METRIC_KINDS or not REF.match(ref or "-"):
            problems.append(FieldProblem(f"metrics[{i}]", f"must be <kind>:<question or theme>, kind one of "
                                                          f"{', '.join(METRIC_KINDS)}"))
        else:
            out.append(f"{kind}:{ref}")
    return list(dict.fromkeys(out))


def _owner(value: Any, problems: list[FieldProblem]) -> str | None:
    if not isinstance(value, str) or len(value) > 254 or not ADDRESS.match(value.strip()):
        problems.append(FieldProblem("owner", "must be one e-mail address"))
        return None
    return value.strip()


def _direction(value: Any, problems: list[FieldProblem]) -> str | None:
    if value not in DIRECTIONS:
        problems.append(FieldProblem("direction", "must be up or down"))
        return None
    return value


def _check_fields(data: Any, allowed: tuple[str, ...]) -> None:
    if not isinstance(data, dict):
        raise InvalidInput(FieldProblem("(body)", "must be a JSON object"))
    unknown = sorted(set(data) - set(allowed), key=str)
    if unknown:
        raise InvalidInput([FieldProblem(str(name)[:60], "is not a field of an action") for name in unknown])


def new_action(data: Any, by: str, now: datetime, action_id: str | None = None) -> dict:
    """A validated, proposed action from a request body; every problem names its field."""
    _check_fields(data, ("title", "owner", "due", "finding", "metrics", "segments", "direction", "note"))
    problems: list[FieldProblem] = []
    title = _text(data, "title", MAX_TITLE, problems)
    owner = _owner(data.get("owner"), problems)
    due = parse_date(data.get("due"), "due", problems)
    finding = parse_finding(data.get("finding"), problems)
    metrics = parse_metrics(data.get("metrics"), problems)
    segments = parse_segments(data.get("segments"), problems)
    direction = _direction(data.get("direction", "up"), problems)
    note = _text(data, "note", MAX_NOTE, problems, required=False)
    if problems:
        raise InvalidInput(problems)
    stamp = _iso(now)
    return {
        "action_id": action_id or new_action_id(), "title": title, "owner": owner, "due": due.isoformat(),
        "finding": finding, "finding_key": finding_key(finding), "metrics": metrics,
        "segments": segments.to_dict(), "direction": direction, "status": "proposed", "reason": None,
        "notes": [{"by": by, "at": stamp, "text": note}] if note else [],
        "history": [{"by": by, "at": stamp, "event": "created", "to": "proposed"}],
        "created_by": by, "created_at": stamp, "updated_at": stamp, "version": 1,
    }


def check_transition(current: str, target: str, reason: str | None) -> None:
    """Raise ForbiddenTransition unless ``current -> target`` is allowed (dropped needs a reason)."""
    if target not in STATUSES:
        raise InvalidInput(FieldProblem("status", f"must be one of {', '.join(STATUSES)}"))
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(TRANSITIONS[current]) or "none (final)"
        raise ForbiddenTransition(FieldProblem("status", f"cannot move from {current} to {target} "
                                                         f"(allowed: {allowed})"))
    if target == "dropped" and not (reason or "").strip():
        raise InvalidInput(FieldProblem("reason", "is required to drop an action"))


def updated_action(action: dict, data: Any, by: str, now: datetime) -> dict:
    """The action after a change (fields, a status move, a note); history records each change."""
    _check_fields(data, UPDATABLE)
    problems: list[FieldProblem] = []
    changes: dict[str, Any] = {}
    if "title" in data:
        changes["title"] = _text(data, "title", MAX_TITLE, problems)
    if "owner" in data:
        changes["owner"] = _owner(data["owner"], problems)
    if "due" in data:
        due = parse_date(data["due"], "due", problems)
        changes["due"] = due.isoformat() if due else None
    if "metrics" in data:
        changes["metrics"] = parse_metrics(data["metrics"], problems)
    if "segments" in data:
        changes["segments"] = parse_segments(data["segments"], problems).to_dict()
    if "direction" in data:
        changes["direction"] = _direction(data["direction"], problems)
    reason = _text(data, "reason", MAX_REASON, problems, required=False)
    note = _text(data, "note", MAX_NOTE, problems, required=False)
    if problems:
        raise InvalidInput(problems)
    stamp = _iso(now)
    out = {**action, "notes": list(action.get("notes") or []), "history": list(action.get("history") or [])}
    status = data.get("status")
    if status is not None and status != action["status"]:
        check_transition(action["status"], status, reason)
        out["status"] = status
        if status == "dropped":
            out["reason"] = reason
        out["history"].append({"by": by, "at": stamp, "event": "status", "from": action["status"], "to": status,
                               **({"text": reason} if reason else {})})
    elif status is None and reason and action["status"] != "dropped":
        raise InvalidInput(FieldProblem("reason", "only goes with status dropped"))
    if action["status"] in ("done", "dropped") and changes:
        raise ForbiddenTransition(FieldProblem("status", f"a {action['status']} action cannot be edited; "
                                                         "add a note instead"))
    for name, value in changes.items():
        if value != action.get(name):
            out["history"].append({"by": by, "at": stamp, "event": "edited", "field": name,
                                   "from": _plain(action.get(name)), "to": _plain(value)})
            out[name] = value
    if note:
        if len(out["notes"]) >= MAX_NOTES:
            raise InvalidInput(FieldProblem("note", f"an action keeps at most {MAX_NOTES} notes"))
        out["notes"].append({"by": by, "at": stamp, "text": note})
        out["history"].append({"by": by, "at": stamp, "event": "note"})
    out["history"] = out["history"][-200:]
    out["updated_at"] = stamp
    out["version"] = int(action.get("version", 1)) + 1
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return str(value)[:200]
    return value


def is_overdue(action: dict, today: date) -> bool:
    return action["status"] in OPEN_STATUSES and action["due"] < today.isoformat()


def segments_of(action: dict) -> Segments:
    data = action.get("segments") or {}
    return Segments(**{k: tuple(v) for k, v in data.items()})


def visible_to_scope(segments: Segments, dimension: str, value: str) -> bool:
    """A scoped viewer (``region=EMEA``) sees an action or change only when its target lies wholly
    inside the scope: the scope's dimension is restricted to exactly that value, and no partner
    list (respondent-level) is attached. Company-wide items are not shown to scoped viewers."""
    if segments.partners:
        return False
    wanted = {"region": segments.regions, "tier": segments.tiers}.get(dimension, ())
    return bool(wanted) and set(wanted) == {value}
