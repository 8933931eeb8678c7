"""The survey as the form template sees it: localized questions, current values, errors."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.errors import FieldProblem
from chalicelib.domain.survey import Question, Survey, localized

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

    @property
    def input_id(self) -> str:
        """The id of the first control, the target of the error summary's link."""
        if self.type == "text":
            return f"{self.id}-input"
        return f"{self.id}-{self.choices[0][0]}" if self.choices else self.id

    @property
    def described_by(self) -> str:
        ids = [f"{self.id}-hint"] if self.help else []
        if self.type in ("nps", "rating"):
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


@dataclass(frozen=True)
class SummaryError:
    """One line of the error summary: a message and the control it links to (if any)."""

    message: str
    target: str | None
    question: str = ""


def _shown_values(question: Question, value: Any) -> tuple[set[str], str]:
    """A stored answer or posted strings -> (selected option values, text)."""
    if value is None:
        return set(), ""
    values = value if isinstance(value, list) else [value]
    if question.type == "text":
        return set(), "\n".join(str(v) for v in values)
    return {str(v) for v in values}, ""


def question_view(question: Question, language: str, value: Any = None) -> QuestionView:
    """Localize one question and fill in its current value."""
    view = QuestionView(id=question.id, type=question.type, text=localized(question.text, language),
                        required=question.required, help=localized(question.help, language),
                        max_length=question.max_length)
    if question.type in ("nps", "rating"):
        low, high = question.value_range
        view.choices = [(str(n), str(n)) for n in range(low, high + 1)]
        view.low_label = localized(question.low_label, language)
        view.high_label = localized(question.high_label, language)
    elif question.options:
        view.choices = [(o.id, localized(o.label, language)) for o in question.options]
    view.selected, view.text_value = _shown_values(question, value)
    return view


def section_views(survey: Survey, language: str, values: dict[str, Any]) -> list[SectionView]:
    """All sections, localized, with ``values`` (stored answers or posted strings) filled in."""
    return [SectionView(id=s.id, title=localized(s.title, language),
                        description=localized(s.description, language),
                        questions=[question_view(q, language, values.get(q.id)) for q in s.questions])
            for s in survey.sections]


def error_message(problem: FieldProblem, question: Question | None, t: Translator) -> str:
    """A validation problem in the partner's language (the shared validator speaks English)."""
    if problem.field == "language":
        return t("error.language")
    if question is None:
        return t("error.unknown_field", field=problem.field.removeprefix("answers."))
    if problem.message == "is required":
        return t("error.required")
    if question.type in ("nps", "rating"):
        low, high = question.value_range
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
        if qid in by_id and problem.field.startswith("answers."):
            by_id[qid].error = by_id[qid].error or message
        else:
            loose.append(SummaryError(message, None))
    ordered = [SummaryError(q.error, q.input_id, q.text) for s in sections for q in s.questions if q.error]
    return loose + ordered
