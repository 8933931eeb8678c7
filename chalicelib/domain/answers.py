"""Answer validation against a survey version: the one rule set for API and form."""
from __future__ import annotations

from typing import Any

from .errors import FieldProblem, InvalidInput
from .survey import Question, Survey


def _validate_one(question: Question, value: Any, field: str) -> tuple[Any, str | None]:
    """Return (normalised value, problem message or None)."""
    if question.type in ("nps", "rating"):
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
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def validate_answers(survey: Survey, answers: Any, *, partial: bool = False) -> dict[str, Any]:
    """Validate ``answers`` (question id -> value) and return the normalised answers.

    Blank answers are dropped. With ``partial`` (save and finish later), required
    questions may be missing. Raises InvalidInput listing every problem.
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
        else:
            clean[qid] = normalised
    if not partial:
        for question in survey.questions():
            if question.required and question.id not in clean and question.id not in answers:
                problems.append(FieldProblem(f"answers.{question.id}", "is required"))
            elif question.required and question.id in answers and _is_blank(answers[question.id]):
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
