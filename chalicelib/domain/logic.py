"""Survey logic: ``show_if`` conditions over earlier answers and partner attributes.

A condition is a mapping, one of::

    {question: q_programs, includes: technical_assessment}   # multi_choice contains the option
    {question: q_model, equals: services}                     # single choice / scale equals
    {question: q_model, in: [services, resale]}               # any of these values
    {question: q_nps, min: 0, max: 6}                         # inclusive range (either end optional)
    {question: q_matrix.portal, min: 4}                       # one row of a matrix question
    {question: q_reason, answered: true}                      # answered (or not)
    {partner: tier, in: [advanced, principal]}                # tier | region | programs | partner_types
    {partner: programs, includes: proof_of_concept}
    {all: [...]}, {any: [...]}, {not: {...}}

A question may only look back: a condition refers to questions placed before the question (or,
for a section, before the section). Validation refuses references to the question itself, to
later questions and cycles. Conditions are evaluated on the answers of the questions that are
themselves shown, so a chain of hidden questions hides everything that depends on it.
"""
from __future__ import annotations

from typing import Any

from .errors import FieldProblem

PARTNER_ATTRIBUTES = ("tier", "region", "programs", "partner_types")
LIST_ATTRIBUTES = ("programs", "partner_types")
COMPARISONS = ("equals", "in", "includes", "min", "max", "answered")
MAX_DEPTH = 8
NA = "na"  # the stored answer of "Not applicable"


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class ConditionChecker:
    """Validates conditions of one survey; collects problems with their paths."""

    def __init__(self, questions: dict, order: dict[str, int], problems: list[FieldProblem]):
        self.questions = questions  # id -> Question
        self.order = order  # id -> position in the survey
        self.problems = problems
        self.references: list[str] = []
        self.forward: list[tuple[str, str]] = []  # (path, referenced id) looking at itself or later

    def add(self, path: str, message: str) -> None:
        self.problems.append(FieldProblem(path, message))

    def check(self, data: Any, path: str, position: int, depth: int = 0) -> dict | None:
        """Return the normalised condition, or None (problems added)."""
        if depth > MAX_DEPTH:
            self.add(path, f"is nested more than {MAX_DEPTH} levels deep")
            return None
        if not isinstance(data, dict) or not data:
            self.add(path, "must be a condition mapping such as {question: q_id, equals: value}")
            return None
        for group in ("all", "any"):
            if group in data:
                if set(data) != {group}:
                    self.add(path, f"'{group}' must be the only key of its condition")
                    return None
                items = data[group]
                if not isinstance(items, list) or not items:
                    self.add(f"{path}.{group}", "must be a non-empty list of conditions")
                    return None
                parts = [self.check(item, f"{path}.{group}[{i}]", position, depth + 1)
                         for i, item in enumerate(items)]
                return {group: parts} if all(p is not None for p in parts) else None
        if "not" in data:
            if set(data) != {"not"}:
                self.add(path, "'not' must be the only key of its condition")
                return None
            inner = self.check(data["not"], f"{path}.not", position, depth + 1)
            return {"not": inner} if inner is not None else None
        if "partner" in data:
            return self._partner(data, path)
        if "question" in data:
            return self._question(data, path, position)
        self.add(path, "needs 'question', 'partner', 'all', 'any' or 'not'")
        return None

    def _comparison(self, data: dict, path: str, subject: str) -> dict | None:
        unknown = sorted(set(data) - {subject, *COMPARISONS}, key=str)
        for key in unknown:
            self.add(f"{path}.{key}", f"unknown key; use one of {', '.join(COMPARISONS)}")
        present = [k for k in COMPARISONS if k in data]
        if not present:
            self.add(path, f"needs a comparison: one of {', '.join(COMPARISONS)}")
            return None
        if len(present) > 1 and not set(present) <= {"min", "max"}:
            self.add(path, f"combine only min and max; found {', '.join(present)}")
            return None
        if unknown:
            return None
        return {k: data[k] for k in present}

    def _partner(self, data: dict, path: str) -> dict | None:
        attribute = data["partner"]
        if attribute not in PARTNER_ATTRIBUTES:
            self.add(f"{path}.partner", f"must be one of {', '.join(PARTNER_ATTRIBUTES)}")
            return None
        comparison = self._comparison(data, path, "partner")
        if comparison is None:
            return None
        op = next(iter(comparison))
        allowed = ("includes", "in") if attribute in LIST_ATTRIBUTES else ("equals", "in")
        if op not in allowed:
            self.add(f"{path}.{op}", f"partner {attribute} is compared with {' or '.join(allowed)}")
            return None
        value = comparison[op]
        values = value if op == "in" else [value]
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            self.add(f"{path}.{op}", "must be " + ("a non-empty list of ids" if op == "in" else "an id"))
            return None
        return {"partner": attribute, op: value}

    def _question(self, data: dict, path: str, position: int) -> dict | None:
        ref = data["question"]
        if not isinstance(ref, str):
            self.add(f"{path}.question", "must be a question id")
            return None
        qid, _, item = ref.partition(".")
        question = self.questions.get(qid)
        if question is None:
            self.add(f"{path}.question", f"refers to unknown question '{qid}'")
            return None
        self.references.append(qid)
        if self.order[qid] >= position:
            # reported by the survey parser: later/self reference or a cycle
            self.forward.append((f"{path}.question", qid))
        if item and (question.type != "matrix" or item not in question.item_ids()):
            self.add(f"{path}.question", f"'{qid}' has no matrix row '{item}'")
            return None
        if question.type == "matrix" and not item:
            self.add(f"{path}.question", f"name one row of the matrix: '{qid}.<row id>'")
            return None
        comparison = self._comparison(data, path, "question")
        if comparison is None:
            return None
        self._check_values(question, comparison, path, bool(item))
        return {"question": ref, **comparison}

    def _check_values(self, question, comparison: dict, path: str, is_row: bool) -> None:
        qtype = "rating" if is_row else question.type
        for op, value in comparison.items():
            where = f"{path}.{op}"
            if op == "answered":
                if not isinstance(value, bool):
                    self.add(where, "must be true or false")
            elif op in ("min", "max"):
                if qtype not in ("nps", "rating"):
                    self.add(where, "ranges apply to nps, rating and matrix rows only")
                elif not _number(value):
                    self.add(where, "must be a number")
            elif op == "includes":
                if qtype != "multi_choice":
                    self.add(where, "includes applies to multi_choice questions")
                elif value not in question.option_ids():
                    self.add(where, f"'{value}' is not an option of '{question.id}'")
            else:  # equals, in
                values = value if op == "in" else [value]
                if op == "in" and (not isinstance(value, list) or not value):
                    self.add(where, "must be a non-empty list")
                    continue
                for v in values:
                    if qtype == "single_choice" and v not in question.option_ids():
                        self.add(where, f"'{v}' is not an option of '{question.id}'")
                    elif qtype in ("nps", "rating") and not (_number(v) or v == NA):
                        self.add(where, "must be a number (or 'na')")
                    elif qtype in ("multi_choice", "text"):
                        self.add(where, f"use {'includes' if qtype == 'multi_choice' else 'answered'} "
                                        f"for a {qtype} question")


def references(condition: dict | None) -> set[str]:
    """Question ids a normalised condition looks at."""
    if not condition:
        return set()
    if "all" in condition or "any" in condition:
        return set().union(*(references(c) for c in condition.get("all") or condition.get("any")))
    if "not" in condition:
        return references(condition["not"])
    if "question" in condition:
        return {condition["question"].partition(".")[0]}
    return set()


def find_cycle(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """A path start -> ... -> start through ``graph`` (id -> referenced ids), or None."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def _answer(answers: dict, ref: str):
    qid, _, item = ref.partition(".")
    value = answers.get(qid)
    if item:
        return value.get(item) if isinstance(value, dict) else None
    return value


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def evaluate(condition: dict | None, answers: dict, partner: dict | None) -> bool:
    """True when ``condition`` holds for these answers and partner attributes (None holds)."""
    if not condition:
        return True
    if "all" in condition:
        return all(evaluate(c, answers, partner) for c in condition["all"])
    if "any" in condition:
        return any(evaluate(c, answers, partner) for c in condition["any"])
    if "not" in condition:
        return not evaluate(condition["not"], answers, partner)
    if "partner" in condition:
        value = (partner or {}).get(condition["partner"])
        if condition["partner"] in LIST_ATTRIBUTES:
            have = set(value or ())
            wanted = condition.get("in") or [condition.get("includes")]
            return bool(have & set(wanted))
        if "in" in condition:
            return value in condition["in"]
        return value == condition.get("equals")
    value = _answer(answers, condition["question"])
    if "answered" in condition:
        return (not _blank(value)) == condition["answered"]
    if _blank(value):
        return False
    if "equals" in condition:
        return value == condition["equals"]
    if "in" in condition:
        return value in condition["in"]
    if "includes" in condition:
        return isinstance(value, list) and condition["includes"] in value
    if not _number(value):  # "na" is outside every range
        return False
    low, high = condition.get("min"), condition.get("max")
    return (low is None or value >= low) and (high is None or value <= high)


def combine(*conditions: dict | None) -> dict | None:
    """One condition that holds when all the given ones do (None when there are none)."""
    present = [c for c in conditions if c]
    if not present:
        return None
    return present[0] if len(present) == 1 else {"all": present}


def eligible(question, partner_attributes: dict | None, answers: dict | None) -> bool:
    """True when ``question`` is asked of a partner with these attributes and answers.

    ``question`` is a parsed ``Question`` (its ``eligibility`` combines its own ``show_if``
    with its section's); ``partner_attributes`` is the response's partner snapshot (tier,
    region, programs, partner_types); ``answers`` are the stored answers of the response,
    which never hold answers to hidden questions. Use it to count a question's eligible
    population (the denominator of its intervals and finite-population correction).
    """
    return evaluate(getattr(question, "eligibility", None), answers or {}, partner_attributes)


def partner_values(condition: dict | None) -> list[tuple[str, str]]:
    """(attribute, value) pairs a condition compares partner attributes with."""
    if not condition:
        return []
    if "all" in condition or "any" in condition:
        return [pair for c in (condition.get("all") or condition.get("any")) for pair in partner_values(c)]
    if "not" in condition:
        return partner_values(condition["not"])
    if "partner" in condition:
        values = condition.get("in") or [condition.get("equals") or condition.get("includes")]
        return [(condition["partner"], v) for v in values]
    return []


def resolve_partner(condition: dict | None, partner: dict | None) -> dict | bool | None:
    """``condition`` with its partner comparisons decided for this partner.

    Returns None when the rest always holds, False when it never holds, else the remaining
    condition over answers only (the documented ``show_if`` form, with ``all``/``any``/``not``).
    """
    if not condition:
        return None
    if "partner" in condition:
        return None if evaluate(condition, {}, partner) else False
    if "not" in condition:
        inner = resolve_partner(condition["not"], partner)
        return False if inner is None else None if inner is False else {"not": inner}
    for key, absorbing in (("all", False), ("any", True)):
        if key in condition:
            parts = []
            for part in condition[key]:
                resolved = resolve_partner(part, partner)
                if resolved is None or resolved is False:
                    if (resolved is None) == absorbing:  # any(..., True) / all(..., False) decide it
                        return None if absorbing else False
                    continue  # a neutral part: all(..., True) / any(..., False)
                parts.append(resolved)
            if not parts:
                return None if key == "all" else False
            return parts[0] if len(parts) == 1 else {key: parts}
    return condition
