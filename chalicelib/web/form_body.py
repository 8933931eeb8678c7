"""Turning a form-encoded survey post into the answer dict the JSON API would receive.

The form never validates answers itself: it only converts field strings to the JSON
shapes (numbers for scales, lists for multiple choice) and hands the result to the same
``submit_response`` use case, so the API and the form share one rule set.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.survey import Survey
from chalicelib.domain.text import repair_text, text_problem

from .errors import HttpProblem

LANGUAGE_FIELD = "_lang"
ACTION_FIELD = "_action"
SWITCH_FIELD = "_switch"  # change language, keeping what was typed (nothing is stored)
PAGE_FIELD = "_page"  # the section (page) the post comes from, paged layout only
SHOWN_FIELD = "_shown"  # the questions the page showed (space-separated ids), paged layout only
BASE_FIELD = "_base"  # the response version the page was built on: a late autosave must not overwrite newer
SAVE, SUBMIT, NEXT, BACK = "save", "submit", "next", "back"
STAY = "stay"  # Enter pressed in a field without JavaScript: show the page again, store nothing
AUTOSAVE = "autosave"  # JavaScript saves the page while the partner types (answered 204, no page)
CONTROL_FIELDS = (LANGUAGE_FIELD, ACTION_FIELD, SWITCH_FIELD, PAGE_FIELD, SHOWN_FIELD, BASE_FIELD)
MAX_FIELDS = 500
_INTEGER = re.compile(r"^\s*-?\d{1,6}\s*$")


@dataclass(frozen=True)
class FormPost:
    """A parsed survey post: answers for validation, raw strings for redisplay."""

    answers: dict
    raw: dict[str, list[str]] = field(default_factory=dict)
    language: str | None = None
    final: bool = True
    switch_to: str | None = None
    action: str = SUBMIT
    page: str | None = None
    shown: tuple[str, ...] | None = None
    base: int | None = None

    def submission_body(self, fallback_language: str) -> dict:
        """The body ``submit_response`` expects (``final`` false = save and finish later)."""
        return {"answers": self.answers, "language": self.language or fallback_language,
                "final": self.final}


def decode_form(raw_body: bytes | None, max_bytes: int) -> dict[str, list[str]]:
    """Decode an ``application/x-www-form-urlencoded`` body (UTF-8) or raise HttpProblem."""
    raw = raw_body or b""
    if len(raw) > max_bytes:
        raise HttpProblem(413, "too_large", f"the form is larger than {max_bytes} bytes")
    try:
        text = raw.decode("ascii")
        fields = parse_qs(text, keep_blank_values=True, encoding="utf-8", errors="strict",
                          max_num_fields=MAX_FIELDS)
    except (UnicodeError, ValueError):
        raise HttpProblem(400, "bad_form", "the form body is not valid UTF-8 form encoding") from None
    try:
        check_form_text(fields, single_line=(LANGUAGE_FIELD, ACTION_FIELD, SWITCH_FIELD))
    except InvalidInput as error:
        first = error.problems[0]
        raise HttpProblem(400, "invalid_text", error.summary, first.field) from None
    return fields


def check_form_text(fields: dict[str, list[str]], single_line=(), multiline=None) -> None:
    """Names must be single-line text; values may hold line breaks unless named in ``single_line`` (or,
    when ``multiline`` is given, unless named there). Raises InvalidInput naming every bad field."""
    problems = []
    for name, values in fields.items():
        problem = text_problem(name)
        if problem:
            problems.append(FieldProblem(repair_text(name), "name " + problem))
            continue
        free = name in multiline if multiline is not None else name not in single_line
        for value in values:
            problem = text_problem(value, multiline=free)
            if problem:
                problems.append(FieldProblem(name, problem))
                break
    if problems:
        raise InvalidInput(problems)


def _convert(question_type: str | None, values: list[str]):
    """One field's posted strings -> the JSON-shaped value (left as-is when it does not fit)."""
    if question_type == "multi_choice":
        return [v for v in values if v != ""]
    if len(values) != 1:
        return values  # a single-valued question sent twice: validation reports it
    value = values[0]
    if question_type in ("nps", "rating", "matrix") and _INTEGER.match(value):
        return int(value)
    return value  # "na" (not applicable) stays text; validation decides


def parse_survey_post(fields: dict[str, list[str]], survey: Survey) -> FormPost:
    """Map decoded form fields onto the survey's questions.

    Fields that are not questions (other than ``_lang``/``_action``) are passed on, so the
    shared validation reports them instead of the form silently dropping them.
    """
    questions = survey.questions_by_id()
    answers: dict = {}
    raw: dict[str, list[str]] = {}
    for name, values in fields.items():
        if name in CONTROL_FIELDS:
            continue
        raw[name] = values
        qid, _, row = name.partition(".")
        question = questions.get(qid)
        if row and question is not None and question.type == "matrix":  # q_matrix.portal=4
            answers.setdefault(qid, {})
            if isinstance(answers[qid], dict):
                answers[qid][row] = _convert("matrix", values)
            continue
        answers[name] = _convert(question.type if question else None, values)
    language = (fields.get(LANGUAGE_FIELD) or [None])[0]
    action = (fields.get(ACTION_FIELD) or [SUBMIT])[0]
    action = action if action in (SAVE, SUBMIT, NEXT, BACK, STAY, AUTOSAVE) else SUBMIT
    switch_to = (fields.get(SWITCH_FIELD) or [None])[0]
    page = (fields.get(PAGE_FIELD) or [None])[0]
    shown = fields.get(SHOWN_FIELD)
    base = (fields.get(BASE_FIELD) or [""])[0]
    return FormPost(answers=answers, raw=raw, language=language, final=action == SUBMIT, switch_to=switch_to,
                    action=action, page=page, shown=tuple(shown[0].split()) if shown else None,
                    base=int(base) if _INTEGER.match(base) else None)
