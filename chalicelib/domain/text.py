"""Valid text at the edge: Unicode scalar values only, no control characters where they make no sense.

Every text that enters (JSON bodies, form fields, query parameters, path parameters, headers used
as data, CSV rows, staff notes and corrections) goes through ``text_problem``/``check_text``;
free-text fields (comments, notes) may hold line breaks and tabs, everything else may not.
``repair_text`` is the read-edge counterpart for text stored before the check existed: it never
raises and always returns text that encodes as UTF-8.
"""
from __future__ import annotations

import re

from .errors import FieldProblem, InvalidInput

# C0 controls except TAB/LF/CR, DEL, C1 controls, surrogates, and the noncharacters U+FDD0..U+FDEF, U+FFFE/F.
_BAD_FREE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_BAD_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_LONE_CR = re.compile("\r(?!\n)")
MAX_DIGITS = 15  # integers in a JSON body: more digits than any answer, count or version needs
MAX_DEPTH = 20


def text_problem(value: str, multiline: bool = False) -> str | None:
    """Why ``value`` is not acceptable text, or None. ``multiline`` allows TAB, LF and CR LF."""
    match = (_BAD_FREE if multiline else _BAD_LINE).search(value)
    if match:
        char = match.group(0)
        if "\ud800" <= char <= "\udfff":
            return "contains an unpaired surrogate (not valid Unicode)"
        return f"contains the control or non-character U+{ord(char):04X}"
    if multiline and _LONE_CR.search(value):
        return "contains a carriage return that does not end a line"
    return None


def check_text(value: str, field: str, multiline: bool = False, max_length: int | None = None) -> str:
    """Return ``value`` or raise InvalidInput naming ``field``."""
    if not isinstance(value, str):
        raise InvalidInput(FieldProblem(field, "must be text"))
    if max_length is not None and len(value) > max_length:
        raise InvalidInput(FieldProblem(field, f"must be at most {max_length} characters"))
    problem = text_problem(value, multiline)
    if problem:
        raise InvalidInput(FieldProblem(field, problem))
    return value


class OversizedNumber:
    """Stands in for a JSON number with too many digits until ``json_problems`` names its field."""

    def __init__(self, literal: str):
        self.digits = len(literal)


def parse_bounded_int(literal: str):
    """``json.loads(parse_int=...)``: ints up to MAX_DIGITS digits, otherwise an OversizedNumber."""
    if len(literal.lstrip("-")) > MAX_DIGITS:
        return OversizedNumber(literal)
    return int(literal)


def parse_bounded_float(literal: str):
    """``json.loads(parse_float=...)``: finite floats with a bounded literal, otherwise OversizedNumber."""
    if len(literal) > 40:
        return OversizedNumber(literal)
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        return OversizedNumber(literal)
    return value


def _join(path: str, key) -> str:
    return f"{path}.{key}" if path else str(key)


def json_problems(value, path: str = "", depth: int = 0) -> list[FieldProblem]:
    """Every invalid key, string or number in a parsed JSON document, each with its field path.

    Keys must be single-line text; string values may hold line breaks (free text)."""
    problems: list[FieldProblem] = []
    if depth > MAX_DEPTH:
        return [FieldProblem(path or "(body)", f"is nested deeper than {MAX_DEPTH} levels")]
    if isinstance(value, OversizedNumber):
        problems.append(FieldProblem(path or "(body)", f"number is too large (more than {MAX_DIGITS} digits)"))
    elif isinstance(value, str):
        problem = text_problem(value, multiline=True)
        if problem:
            problems.append(FieldProblem(path or "(body)", problem))
    elif isinstance(value, dict):
        for key, item in value.items():
            problem = text_problem(key)
            if problem:
                problems.append(FieldProblem(_join(path, repair_text(key)) or "(body)", "key " + problem))
                continue
            problems.extend(json_problems(item, _join(path, key), depth + 1))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems.extend(json_problems(item, f"{path}[{index}]", depth + 1))
    return problems


def repair_text(value) -> str:
    """Read edge for stored text: surrogates and control characters become U+FFFD (TAB/CR/LF kept),
    so the result always encodes as UTF-8."""
    if not isinstance(value, str) or not _BAD_FREE.search(value):
        return value
    return _BAD_FREE.sub("\ufffd", value)


def repair_data(value):
    """``repair_text`` applied to every string (and key) of nested dicts/lists."""
    if isinstance(value, str):
        return repair_text(value)
    if isinstance(value, dict):
        return {repair_text(k): repair_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [repair_data(v) for v in value]
    return value
