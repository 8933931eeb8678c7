"""Disclosure control for respondent-level outputs: the published scorecard's suppression plan
applied to export rows and comment-explorer results (standard library only: request path).

A row or comment belongs to a group a published aggregate hides when the respondent falls in a
suppressed cell of any breakdown of the scorecard the caller sees (directly or as a complement);
such rows are left out. Answers to a question withheld in one of the respondent's cells are
blanked. The comment explorer and the export's comments follow ``comment_disclosure`` (labels
coarsened instead of comments hidden); ``hidden_comment_ids`` is the explorer's plan before issue
21, kept only as the baseline of ``benchmarks/demo_comment_shares.py``.

Who sees respondent-level data is decided by ``may_see_identity`` / ``may_see_rows`` (the
confidentiality model in docs/analysis.md): a viewer never does.
"""
from __future__ import annotations

from collections import Counter

MARKER = "suppressed"
UNKNOWN, NONE = "(unknown)", "(none)"
#: scorecard dimension -> (partner snapshot field, multi-valued?)
FIELDS = {"tier": ("tier", False), "region": ("region", False), "country": ("country", False),
          "transacting": ("transacting", False), "revenue_band": ("revenue_band", False),
          "partner_type": ("partner_types", True), "program": ("programs", True)}
#: comment-explorer filters -> comment record field (multi-valued?)
COMMENT_FIELDS = {"tier": ("tier", False), "region": ("region", False), "partner_type": ("partner_types", True),
                  "program": ("programs", True), "question": ("question_id", False)}


def labels(attributes: dict, dim: str, fields=FIELDS) -> set[str]:
    """The segment labels a record falls in for one dimension (as the analysis engine labels them)."""
    field, multi = fields[dim]
    value = attributes.get(field)
    if multi:
        return {str(v) for v in (value or [])} or {NONE}
    if value is None or value == "":
        return {UNKNOWN}
    if dim == "transacting" and isinstance(value, bool):
        return {"yes" if value else "no"}
    return {str(value)}


class RowPlan:
    """Hidden cells and hidden questions of one scorecard document, queried per respondent."""

    def __init__(self, doc: dict | None):
        self.overall_hidden = True
        self.cells: list[tuple[dict, bool, set]] = []  # (segment, whole cell hidden, hidden question ids)
        self.overall_questions: set[str] = set()
        self.published: list[dict] = []  # segments of published cells (overall = {})
        self.threshold = int(((doc or {}).get("suppression") or {}).get("threshold") or 1)
        if not doc:
            return
        nps_question = doc.get("nps_question")
        overall = doc.get("overall") or {}
        self.overall_hidden = bool(overall.get("suppressed"))
        self.overall_questions = _hidden_questions(overall, nps_question)
        if not self.overall_hidden:
            self.published.append({})
        for item in doc.get("breakdowns", []):
            if any(d not in FIELDS for d in item["by"]):
                continue
            for cell in item["cells"]:
                hidden = bool(cell.get("suppressed"))
                questions = _hidden_questions(cell, nps_question)
                if hidden or questions:
                    self.cells.append((cell["segment"], hidden, questions))
                if not hidden:
                    self.published.append(cell["segment"])

    def for_respondent(self, attributes: dict) -> tuple[bool, set[str]]:
        """(left out?, question ids to blank) for a respondent with these partner attributes."""
        if self.overall_hidden:
            return True, set()
        blank = set(self.overall_questions)
        for segment, hidden, questions in self.cells:
            if all(str(label) in labels(attributes, dim) for dim, label in segment.items()):
                if hidden:
                    return True, set()
                blank |= questions
        return False, blank


    def left_out(self, people: list[dict]) -> set[int]:
        """Indexes of ``people`` (partner attributes) to leave out: those in hidden cells, then, until
        stable, every member of a published aggregate whose left-out members would be a group of
        fewer than the threshold (the aggregate minus its exported rows would describe them)."""
        out = {i for i, p in enumerate(people) if self.for_respondent(p)[0]}
        members = [[i for i, p in enumerate(people) if _member(p, segment)] for segment in self.published]
        changed = True
        while changed:
            changed = False
            for group in members:
                missing = sum(1 for i in group if i in out)
                if 0 < missing < self.threshold:
                    out |= set(group)
                    changed = True
        return out


def _member(attributes: dict, segment: dict) -> bool:
    return all(str(label) in labels(attributes, dim) for dim, label in segment.items())


def _hidden_questions(cell: dict, nps_question: str | None) -> set[str]:
    out = set()
    if nps_question and cell.get("nps") == MARKER:
        out.add(nps_question)
    for key in ("csat", "choices"):
        values = cell.get(key)
        if isinstance(values, dict):
            out |= {q for q, v in values.items() if v == MARKER}
    return out


def _suppress(counts: Counter, threshold: int) -> set:
    """Primary (< threshold) and complementary suppression of one table's groups (by count)."""
    hidden = {g for g, n in counts.items() if 0 < n < threshold}
    while len(hidden) == 1:
        shown = [g for g, n in counts.items() if g not in hidden and n > 0]
        if not shown:
            break
        hidden.add(min(shown, key=lambda g: (counts[g], str(g))))
    return hidden


def _lines_suppress(counts: Counter, threshold: int) -> set:
    """A crossed table's groups (label tuples): primary, then complements until no line (cells that
    differ in one dimension only) holds a single hidden non-empty cell."""
    hidden = {g for g, n in counts.items() if 0 < n < threshold}
    width = len(next(iter(counts))) if counts else 0
    changed = True
    while changed:
        changed = False
        for axis in range(width):
            lines: dict[tuple, list] = {}
            for g in sorted(counts, key=str):  # a fixed order: the plan never depends on storage order
                if counts[g] > 0:
                    lines.setdefault(g[:axis] + g[axis + 1:], []).append(g)
            for line in lines.values():
                if len([g for g in line if g in hidden]) == 1:
                    shown = [g for g in line if g not in hidden]
                    if shown:
                        hidden.add(min(shown, key=lambda g: (counts[g], str(g))))
                        changed = True
    return hidden


def hidden_comment_ids(comments: list[dict], threshold: int) -> set[str]:
    """(Baseline only, see the module docstring.) Ids of comments in a group the old explorer hid at
    ``threshold`` comments: every filter alone and every pair of filters."""
    out: set[str] = set()
    member = {c["id"]: {d: labels(c, d, COMMENT_FIELDS) for d in COMMENT_FIELDS} for c in comments}
    dims = list(COMMENT_FIELDS)
    tables = [(d,) for d in dims] + [(a, b) for i, a in enumerate(dims) for b in dims[i + 1:]]
    for table in tables:
        counts: Counter = Counter()
        for c in comments:
            for group in _groups(member[c["id"]], table):
                counts[group] += 1
        hidden = _suppress(counts, threshold) if len(table) == 1 else _lines_suppress(counts, threshold)
        if hidden:
            out |= {c["id"] for c in comments if any(g in hidden for g in _groups(member[c["id"]], table))}
    # closure: a listed group may not leave out fewer than the threshold (its full count is
    # published in the comment summaries, so the difference would describe a small group)
    groups: dict[tuple, list[str]] = {}
    for table in tables:
        for c in comments:
            for g in _groups(member[c["id"]], table):
                groups.setdefault((table, g), []).append(c["id"])
    changed = True
    while changed:
        changed = False
        for _, ids in sorted(groups.items(), key=lambda kv: str(kv[0])):
            missing = sum(1 for i in ids if i in out)
            if 0 < missing < threshold and missing < len(ids):
                out |= set(ids)
                changed = True
    return out


def _groups(member: dict, table: tuple) -> list[tuple]:
    groups: list[tuple] = [()]
    for dim in table:
        groups = [g + (label,) for g in groups for label in sorted(member[dim])]
    return groups


MAX_SEGMENT_FILTERS = 2


def may_see_identity(identity, reporting: str) -> bool:
    """Who said what (partner, invitation, per-person NPS): admins and analysts of identified surveys."""
    return reporting == "identified" and identity.role in ("admin", "analyst")


def may_see_rows(identity) -> bool:
    """Respondent-level rows (the responses export, follow-ups): admins and analysts, never a viewer."""
    return identity.role in ("admin", "analyst")


FILTER_LABEL = {"tier": "tier", "region": "region", "partner_type": "partner_types", "program": "programs",
                "question": "question_id"}
