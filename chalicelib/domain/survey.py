"""Survey definitions: parsing, validation and the immutable published form.

A definition is a plain mapping (loaded from YAML or JSON by the caller). Every problem
found is reported with its path, e.g. ``sections[1].questions[0].scale``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .errors import FieldProblem, InvalidInput

QUESTION_TYPES = ("nps", "rating", "single_choice", "multi_choice", "text")
RATING_SCALES = (5, 7)
DEFAULT_TEXT_LIMIT = 2000
MAX_TEXT_LIMIT = 5000  # keeps a response item far below DynamoDB's 400 KB
LANGUAGE_TAG = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
SURVEY_ID = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
REPORTING_MODES = ("aggregate", "identified")

LocalizedText = dict[str, str]


@dataclass(frozen=True)
class Option:
    id: str
    label: LocalizedText


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: LocalizedText
    required: bool = False
    help: LocalizedText | None = None
    scale: int | None = None  # rating only
    low_label: LocalizedText | None = None
    high_label: LocalizedText | None = None
    options: tuple[Option, ...] = ()
    max_length: int | None = None  # text only
    program: str | None = None
    topic: str | None = None

    def option_ids(self) -> list[str]:
        return [option.id for option in self.options]

    @property
    def value_range(self) -> tuple[int, int] | None:
        """Inclusive range of a scale question, None for other types."""
        if self.type == "nps":
            return (0, 10)
        if self.type == "rating":
            return (1, self.scale or 5)
        return None


@dataclass(frozen=True)
class Section:
    id: str
    title: LocalizedText
    questions: tuple[Question, ...]
    description: LocalizedText | None = None


@dataclass(frozen=True)
class Survey:
    id: str
    version: int
    title: LocalizedText
    languages: tuple[str, ...]
    sections: tuple[Section, ...]
    intro: LocalizedText | None = None
    # "aggregate": nobody sees who said what; "identified": the partner's account team may see
    # answers with identity and follow up, but only for contacts who answered the consent question "yes".
    reporting: str = "aggregate"
    consent_question: str | None = None
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    def contact_consented(self, answers: dict) -> bool:
        """True when identified follow-up is allowed for a response with these answers."""
        if self.reporting != "identified" or not self.consent_question:
            return False
        return answers.get(self.consent_question) == "yes"

    def questions(self) -> list[Question]:
        return [q for section in self.sections for q in section.questions]

    def question(self, question_id: str) -> Question | None:
        return self.questions_by_id().get(question_id)

    def questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions()}

    def to_dict(self) -> dict:
        """The normalised definition, as stored and as served."""
        return self.raw


def localized(text: LocalizedText | None, language: str) -> str:
    """Pick a string in ``language``, falling back to English."""
    if not text:
        return ""
    return text.get(language) or text.get(language.split("-")[0]) or text.get("en", "")


class _Collector:
    """Accumulates problems so a definition reports all of them at once."""

    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(FieldProblem(path, message))

    def text(self, value: Any, path: str, languages: tuple[str, ...], required: bool = True):
        if value is None:
            if required:
                self.add(path, "is required")
            return None
        if isinstance(value, str):
            value = {"en": value}
        if not isinstance(value, dict):
            self.add(path, "must be a string or a mapping of language to string")
            return None
        if "en" not in value:
            self.add(path, "must have an 'en' (English) text")
        result = {}
        for lang, text in value.items():
            if not isinstance(lang, str) or lang not in languages:
                self.add(f"{path}.{lang}", f"language is not one of the survey's languages {list(languages)}")
            elif not isinstance(text, str) or not text.strip():
                self.add(f"{path}.{lang}", "must be a non-empty string")
            else:
                result[lang] = text.strip()
        return result

    def identifier(self, value: Any, path: str, seen: set[str]) -> str:
        if not isinstance(value, str) or not IDENTIFIER.match(value):
            self.add(path, "must be lowercase letters, digits or _ and start with a letter")
            return str(value)
        if value in seen:
            self.add(path, f"duplicate id '{value}'")
        seen.add(value)
        return value


_QUESTION_KEYS = {"id", "type", "text", "required", "help", "scale", "labels", "options",
                  "max_length", "program", "topic"}


def _parse_question(c: _Collector, data: Any, path: str, langs: tuple[str, ...], seen: set[str]):
    if not isinstance(data, dict):
        c.add(path, "must be a mapping")
        return None
    for key in sorted(set(data) - _QUESTION_KEYS):
        c.add(f"{path}.{key}", "unknown key")
    qid = c.identifier(data.get("id"), f"{path}.id", seen)
    qtype = data.get("type")
    if qtype not in QUESTION_TYPES:
        c.add(f"{path}.type", f"must be one of {', '.join(QUESTION_TYPES)}")
    required = data.get("required", False)
    if not isinstance(required, bool):
        c.add(f"{path}.required", "must be true or false")
    kwargs: dict[str, Any] = {
        "id": qid, "type": qtype, "required": bool(required),
        "text": c.text(data.get("text"), f"{path}.text", langs),
        "help": c.text(data.get("help"), f"{path}.help", langs, required=False),
    }
    for tag in ("program", "topic"):
        value = data.get(tag)
        if value is not None and (not isinstance(value, str) or not IDENTIFIER.match(value)):
            c.add(f"{path}.{tag}", "must be a lowercase identifier such as 'proof_of_concept'")
        kwargs[tag] = value
    if qtype == "rating":
        scale = data.get("scale", 5)
        if scale not in RATING_SCALES:
            c.add(f"{path}.scale", "must be 5 or 7")
        kwargs["scale"] = scale
        labels = data.get("labels")
        if not isinstance(labels, dict):
            c.add(f"{path}.labels", "a rating needs labels for its ends: {low: ..., high: ...}")
        else:
            kwargs["low_label"] = c.text(labels.get("low"), f"{path}.labels.low", langs)
            kwargs["high_label"] = c.text(labels.get("high"), f"{path}.labels.high", langs)
    elif qtype == "nps":
        labels = data.get("labels") or {}
        kwargs["low_label"] = c.text(labels.get("low", "Not at all likely"), f"{path}.labels.low", langs)
        kwargs["high_label"] = c.text(labels.get("high", "Extremely likely"), f"{path}.labels.high", langs)
    elif "labels" in data:
        c.add(f"{path}.labels", "only nps and rating questions have labels")
    if qtype in ("single_choice", "multi_choice"):
        options = data.get("options")
        if not isinstance(options, list) or len(options) < 2:
            c.add(f"{path}.options", "a choice question needs at least two options")
            options = []
        seen_options: set[str] = set()
        parsed = []
        for i, option in enumerate(options):
            opath = f"{path}.options[{i}]"
            if not isinstance(option, dict):
                c.add(opath, "must be a mapping with id and label")
                continue
            oid = c.identifier(option.get("id"), f"{opath}.id", seen_options)
            parsed.append(Option(oid, c.text(option.get("label"), f"{opath}.label", langs) or {}))
        kwargs["options"] = tuple(parsed)
    elif "options" in data:
        c.add(f"{path}.options", "only choice questions have options")
    if qtype == "text":
        limit = data.get("max_length", DEFAULT_TEXT_LIMIT)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_TEXT_LIMIT:
            c.add(f"{path}.max_length", f"must be a whole number from 1 to {MAX_TEXT_LIMIT}")
            limit = DEFAULT_TEXT_LIMIT
        kwargs["max_length"] = limit
    elif "max_length" in data:
        c.add(f"{path}.max_length", "only text questions have max_length")
    return Question(**kwargs)


def parse_survey_definition(data: Any) -> Survey:
    """Validate a definition mapping and return the Survey, or raise InvalidInput."""
    c = _Collector()
    if not isinstance(data, dict):
        raise InvalidInput(FieldProblem("(root)", "a survey definition must be a mapping"))
    for key in sorted(set(data) - {"id", "version", "title", "intro", "languages", "sections",
                                   "reporting", "consent_question"}):
        c.add(key, "unknown key")
    survey_id = data.get("id")
    if not isinstance(survey_id, str) or not SURVEY_ID.match(survey_id):
        c.add("id", "must be lowercase letters, digits or '-' and start with a letter")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        c.add("version", "must be a whole number of 1 or more")
    languages = data.get("languages", ["en"])
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        c.add("languages", "must be a list of language tags such as [en, es]")
        languages = ["en"]
    for i, lang in enumerate(languages):
        if not LANGUAGE_TAG.match(lang):
            c.add(f"languages[{i}]", f"'{lang}' is not a language tag such as 'en' or 'pt-BR'")
    if "en" not in languages:
        c.add("languages", "must include 'en'")
    langs = tuple(dict.fromkeys(languages))
    title = c.text(data.get("title"), "title", langs)
    intro = c.text(data.get("intro"), "intro", langs, required=False)
    sections_data = data.get("sections")
    if not isinstance(sections_data, list) or not sections_data:
        c.add("sections", "must be a non-empty list")
        sections_data = []
    section_ids: set[str] = set()
    question_ids: set[str] = set()
    sections = []
    for s, section in enumerate(sections_data):
        spath = f"sections[{s}]"
        if not isinstance(section, dict):
            c.add(spath, "must be a mapping")
            continue
        for key in sorted(set(section) - {"id", "title", "description", "questions"}):
            c.add(f"{spath}.{key}", "unknown key")
        sid = c.identifier(section.get("id"), f"{spath}.id", section_ids)
        questions_data = section.get("questions")
        if not isinstance(questions_data, list) or not questions_data:
            c.add(f"{spath}.questions", "must be a non-empty list")
            questions_data = []
        questions = [
            _parse_question(c, q, f"{spath}.questions[{i}]", langs, question_ids)
            for i, q in enumerate(questions_data)
        ]
        sections.append(Section(
            id=sid,
            title=c.text(section.get("title"), f"{spath}.title", langs) or {},
            description=c.text(section.get("description"), f"{spath}.description", langs, required=False),
            questions=tuple(q for q in questions if q is not None),
        ))
    reporting, consent_question = _parse_reporting(c, data, sections)
    if c.problems:
        raise InvalidInput(c.problems, summary=f"survey definition has {len(c.problems)} problem(s)")
    survey = Survey(id=survey_id, version=version, title=title, intro=intro,
                    languages=langs, sections=tuple(sections),
                    reporting=reporting, consent_question=consent_question)
    return Survey(**{**survey.__dict__, "raw": survey_to_dict(survey)})


def _parse_reporting(c: _Collector, data: dict, sections: list[Section]) -> tuple[str, str | None]:
    """``reporting`` mode and the consent question that gates identified follow-up."""
    reporting = data.get("reporting", "aggregate")
    if reporting not in REPORTING_MODES:
        c.add("reporting", "must be 'aggregate' (nobody sees who said what) or 'identified'")
        reporting = "aggregate"
    consent = data.get("consent_question")
    if consent is None:
        if reporting == "identified":
            c.add("consent_question", "identified reporting needs a consent question (a single_choice "
                                      "question with options 'yes' and 'no')")
        return reporting, None
    by_id = {q.id: q for s in sections for q in s.questions}
    question = by_id.get(consent) if isinstance(consent, str) else None
    if question is None:
        c.add("consent_question", "must be the id of a question in this survey")
        return reporting, None
    if question.type != "single_choice" or not {"yes", "no"} <= set(question.option_ids()):
        c.add("consent_question", f"'{consent}' must be a single_choice question with options 'yes' and 'no'")
    return reporting, consent


def survey_to_dict(survey: Survey) -> dict:
    """Normalised mapping of a survey: the stored form, parseable again."""
    def question(q: Question) -> dict:
        out: dict[str, Any] = {"id": q.id, "type": q.type, "text": q.text, "required": q.required}
        if q.help:
            out["help"] = q.help
        if q.type == "rating":
            out["scale"] = q.scale
        if q.type in ("rating", "nps"):
            out["labels"] = {"low": q.low_label, "high": q.high_label}
        if q.options:
            out["options"] = [{"id": o.id, "label": o.label} for o in q.options]
        if q.type == "text":
            out["max_length"] = q.max_length
        for tag in ("program", "topic"):
            if getattr(q, tag):
                out[tag] = getattr(q, tag)
        return out

    out: dict[str, Any] = {
        "id": survey.id, "version": survey.version, "title": survey.title,
        "languages": list(survey.languages),
        "sections": [
            {"id": s.id, "title": s.title,
             **({"description": s.description} if s.description else {}),
             "questions": [question(q) for q in s.questions]}
            for s in survey.sections
        ],
    }
    if survey.intro:
        out["intro"] = survey.intro
    if survey.reporting != "aggregate":
        out["reporting"] = survey.reporting
    if survey.consent_question:
        out["consent_question"] = survey.consent_question
    return out
