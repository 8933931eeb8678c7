"""The survey as the form template sees it: localized questions, current values, errors."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.errors import FieldProblem
from chalicelib.domain.survey import Question, Survey, localized, pipe

from .i18n import Translator


@dataclass
class QuestionView:
    """Everything one question needs to render, in one language."""

    id: str
    type: str
    text: str
    required: bool
    help: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    low_label: str = ""
    high_label: str = ""
    max_length: int | None = None
    selected: set[str] = field(default_factory=set)
    text_value: str = ""
    error: str | None = None
    na_option: bool = False
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # matrix: (row id, label, chosen value)
    hidden: bool = False  # hidden by the survey logic (inputs disabled, so never posted)
    show_if: str = ""  # the condition as JSON, for live updates in the browser

    @property
    def input_id(self) -> str:
        """The id of the first control, the target of the error summary's link."""
        if self.type == "text":
            return f"{self.id}-input"
        if self.type == "matrix" and self.rows:
            return f"{self.id}.{self.rows[0][0]}-{self.choices[0][0]}"
        return f"{self.id}-{self.choices[0][0]}" if self.choices else self.id

    @property
    def described_by(self) -> str:
        ids = [f"{self.id}-hint"] if self.help else []
        if self.type in ("nps", "rating", "matrix"):
            ids.append(f"{self.id}-ends")
        if self.type == "text":
            ids.append(f"{self.id}-count")
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


@dataclass
class SectionView:
    id: str
    title: str
    description: str
    questions: list[QuestionView]
    show_if: str = ""


@dataclass(frozen=True)
class SummaryError:
    """One line of the error summary: a message and the control it links to (if any)."""

    message: str
    target: str | None
    question: str = ""


def _shown_values(question: Question, value: Any) -> tuple[set[str], str]:
    """A stored answer or posted strings -> (selected option values, text)."""
    if value is None or isinstance(value, dict):
        return set(), ""
    values = value if isinstance(value, list) else [value]
    if question.type == "text":
        return set(), "\n".join(str(v) for v in values)
    return {str(v) for v in values}, ""


def _row_value(value: Any, row: str) -> str:
    """The chosen value of one matrix row, from a stored dict or posted ``q.row`` strings."""
    if isinstance(value, dict):
        chosen = value.get(row)
        chosen = chosen[0] if isinstance(chosen, list) and chosen else chosen
        return "" if chosen is None else str(chosen)
    return ""


def question_view(question: Question, language: str, value: Any = None, partner: dict | None = None,
                  labels=None) -> QuestionView:
    """Localize one question, pipe partner attributes into its texts and fill in its current value."""
    def text(localized_text) -> str:
        return pipe(localized(localized_text, language), partner, labels)

    view = QuestionView(id=question.id, type=question.type, text=text(question.text),
                        required=question.required, help=text(question.help),
                        max_length=question.max_length, na_option=question.na_option,
                        show_if=json.dumps(question.show_if, separators=(",", ":")) if question.show_if else "")
    if question.type in ("nps", "rating", "matrix"):
        low, high = question.value_range
        view.choices = [(str(n), str(n)) for n in range(low, high + 1)]
        view.low_label = localized(question.low_label, language)
        view.high_label = localized(question.high_label, language)
    elif question.options:
        view.choices = [(o.id, localized(o.label, language)) for o in question.options]
    if question.type == "matrix":
        view.rows = [(item.id, text(item.label), _row_value(value, item.id)) for item in question.items]
    view.selected, view.text_value = _shown_values(question, value)
    return view


def _posted_matrix(values: dict[str, Any]) -> dict[str, Any]:
    """Fold posted ``q.row`` fields into ``{q: {row: value}}`` so matrix rows redisplay."""
    out = dict(values)
    for name, value in values.items():
        qid, dot, row = name.partition(".")
        if dot:
            out.setdefault(qid, {})
            if isinstance(out[qid], dict):
                out[qid][row] = value
    return out


def section_views(survey: Survey, language: str, values: dict[str, Any], partner: dict | None = None,
                  labels=None, answers: dict | None = None) -> list[SectionView]:
    """All sections, localized, with ``values`` (stored answers or posted strings) filled in.

    ``answers`` (normalised answers) decide which questions the logic shows now; a hidden
    question is still rendered (hidden, inputs disabled) so the page can reveal it live.
    """
    values = _posted_matrix(values)
    visible = {q.id for q in survey.visible_questions(partner, answers if answers is not None else values)}
    views = []
    for s in survey.sections:
        questions = []
        for q in s.questions:
            view = question_view(q, language, values.get(q.id), partner, labels)
            view.hidden = q.id not in visible
            questions.append(view)
        views.append(SectionView(id=s.id, title=pipe(localized(s.title, language), partner, labels),
                                 description=pipe(localized(s.description, language), partner, labels),
                                 questions=questions,
                                 show_if=json.dumps(s.show_if, separators=(",", ":")) if s.show_if else ""))
    return views


def error_message(problem: FieldProblem, question: Question | None, t: Translator) -> str:
    """A validation problem in the partner's language (the shared validator speaks English)."""
    if problem.field == "language":
        return t("error.language")
    if question is None:
        return t("error.unknown_field", field=problem.field.removeprefix("answers."))
    if problem.message == "is required":
        return t("error.required")
    if "hidden by the survey's logic" in problem.message:
        return t("error.hidden")
    if question.type in ("nps", "rating", "matrix"):
        low, high = question.value_range
        if question.type == "matrix" and problem.message == "is required":
            return t("error.required")
        return t("error.scale", low=low, high=high)
    if question.type == "single_choice":
        return t("error.choice")
    if question.type == "multi_choice":
        return t("error.choices")
    if "characters long" in problem.message:
        length = problem.message.split(" ")[1]
        return t("error.too_long", limit=question.max_length, length=length)
    return t("error.text")


def attach_errors(sections: list[SectionView], survey: Survey, problems: list[FieldProblem],
                  t: Translator) -> list[SummaryError]:
    """Put each problem next to its question; return the summary lines in page order."""
    by_id = {q.id: q for s in sections for q in s.questions}
    questions = survey.questions_by_id()
    loose: list[SummaryError] = []
    for problem in problems:
        qid = problem.field.removeprefix("answers.")
        message = error_message(problem, questions.get(qid), t)
        if qid.split(".")[0] in by_id and by_id[qid.split(".")[0]].hidden:
            continue  # never an error for a question the partner is not shown
        if qid in by_id and problem.field.startswith("answers."):
            by_id[qid].error = by_id[qid].error or message
        else:
            loose.append(SummaryError(message, None))
    ordered = [SummaryError(q.error, q.input_id, q.text) for s in sections for q in s.questions if q.error]
    return loose + ordered
