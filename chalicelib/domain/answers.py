"""Answer validation against a survey version: the one rule set for API and form."""
from __future__ import annotations

from typing import Any

from .errors import FieldProblem, InvalidInput
from .logic import NA
from .survey import Question, Survey


def _validate_scale(question: Question, value: Any) -> tuple[Any, str | None]:
    low, high = question.value_range
    if value == NA and question.na_option:
        return NA, None
    na = " or 'na' (not applicable)" if question.na_option else ""
    if isinstance(value, bool) or not isinstance(value, int):
        return None, f"must be a whole number from {low} to {high}{na}"
    if not low <= value <= high:
        return None, f"must be from {low} to {high}{na}"
    return value, None


def _validate_one(question: Question, value: Any, field: str) -> tuple[Any, str | None]:
    """Return (normalised value, problem message or None)."""
    if question.type == "matrix":
        if not isinstance(value, dict):
            return None, "must be an object of row id to rating"
        unknown = [k for k in value if k not in question.item_ids()]
        if unknown:
            return None, f"unknown row(s) {', '.join(map(str, unknown[:5]))}; rows: {', '.join(question.item_ids())}"
        clean = {}
        for item in question.item_ids():
            if item in value and not _is_blank(value[item]):
                normalised, problem = _validate_scale(question, value[item])
                if problem:
                    return None, f"row {item} {problem}"
                clean[item] = normalised
        return clean, None
    if question.type in ("nps", "rating"):
        if value == NA and question.na_option:
            return NA, None
        low, high = question.value_range
        if isinstance(value, bool) or not isinstance(value, int):
            return None, f"must be a whole number from {low} to {high}"
        if not low <= value <= high:
            return None, f"must be from {low} to {high}"
        return value, None
    if question.type == "single_choice":
        if not isinstance(value, str) or value not in question.option_ids():
            return None, f"must be one of: {', '.join(question.option_ids())}"
        return value, None
    if question.type == "multi_choice":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return None, "must be a list of option ids"
        unknown = [v for v in value if v not in question.option_ids()]
        if unknown:
            return None, f"unknown option(s) {', '.join(unknown[:5])}; choose from: {', '.join(question.option_ids())}"
        if len(set(value)) != len(value):
            return None, "lists an option twice"
        return [o for o in question.option_ids() if o in value], None
    # text
    if not isinstance(value, str):
        return None, "must be text"
    text = value.replace("\r\n", "\n").strip()
    if "\x00" in text:
        return None, "contains a forbidden character"
    if len(text) > question.max_length:
        return None, f"is {len(text)} characters long; the limit is {question.max_length}"
    return text, None


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or (isinstance(value, str) and not value.strip())


def validate_answers(survey: Survey, answers: Any, *, partial: bool = False,
                     partner: dict | None = None) -> dict[str, Any]:
    """Validate ``answers`` (question id -> value) and return the normalised answers.

    Blank answers are dropped. With ``partial`` (save and finish later), required
    questions may be missing. ``partner`` (the partner's attributes) feeds the survey logic:
    a question hidden by ``show_if`` is never required, and an answer to it is refused.
    Raises InvalidInput listing every problem.
    """
    if not isinstance(answers, dict):
        raise InvalidInput(FieldProblem("answers", "must be an object of question id to answer"))
    questions = survey.questions_by_id()
    problems: list[FieldProblem] = []
    clean: dict[str, Any] = {}
    for qid, value in answers.items():
        field = f"answers.{qid or '(empty key)'}"
        question = questions.get(qid)
        if question is None:
            problems.append(FieldProblem(field, "is not a question of this survey"))
            continue
        if _is_blank(value):
            continue
        normalised, problem = _validate_one(question, value, field)
        if problem:
            problems.append(FieldProblem(field, problem))
        elif not _is_blank(normalised):
            clean[qid] = normalised
    visible = {q.id for q in survey.visible_questions(partner, clean)}
    for qid in list(clean):
        if qid not in visible:
            problems.append(FieldProblem(f"answers.{qid}", "is hidden by the survey's logic for this partner "
                                                           "and these answers; leave it out"))
            del clean[qid]
    if not partial:
        for question in survey.questions():
            if not question.required or question.id not in visible:
                continue
            value = clean.get(question.id)
            missing = value is None or (question.type == "matrix" and len(value) < len(question.items))
            if missing and not any(p.field == f"answers.{question.id}" for p in problems):
                problems.append(FieldProblem(f"answers.{question.id}", "is required"))
    if problems:
        raise InvalidInput(problems)
    return clean


def validate_language(survey: Survey, language: Any) -> str:
    """Return the language tag if the survey offers it, else raise InvalidInput."""
    if not isinstance(language, str) or language not in survey.languages:
        raise InvalidInput(FieldProblem(
            "language", f"must be one of the survey's languages: {', '.join(survey.languages)}"))
    return language


SUBMISSION_KEYS = {"answers", "language", "final", "create_only"}


def parse_submission_body(body: Any) -> dict[str, Any]:
    """Check the shape of a submission body (not the answers themselves).

    ``{"answers": {...}, "language": "en", "final": true, "create_only": false}``;
    ``final`` false means "save and finish later".
    """
    if not isinstance(body, dict):
        raise InvalidInput(FieldProblem("(body)", "must be a JSON object"))
    problems = [FieldProblem(key or "(empty key)", "is not a known field")
                for key in sorted(set(body) - SUBMISSION_KEYS)]
    if "answers" not in body:
        problems.append(FieldProblem("answers", "is required"))
    if "language" not in body:
        problems.append(FieldProblem("language", "is required"))
    for flag in ("final", "create_only"):
        if flag in body and not isinstance(body[flag], bool):
            problems.append(FieldProblem(flag, "must be true or false"))
    if problems:
        raise InvalidInput(problems)
    return {"answers": body["answers"], "language": body["language"],
            "final": body.get("final", True), "create_only": body.get("create_only", False)}
