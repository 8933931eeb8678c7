"""Survey definitions: parsing, validation and the immutable published form.

A definition is a plain mapping (loaded from YAML or JSON by the caller). Every problem
found is reported with its path, e.g. ``sections[1].questions[0].scale``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from .consent import identifiable
from .errors import FieldProblem, InvalidInput
from .logic import ConditionChecker, combine, evaluate, find_cycle, references

QUESTION_TYPES = ("nps", "rating", "single_choice", "multi_choice", "text", "matrix")
SCALE_TYPES = ("nps", "rating", "matrix")
PIPE = re.compile(r"\{partner\.([a-z_]+)\}")
PIPE_FIELDS = ("name", "tier", "region")
SECONDS_PER = {"nps": 10, "rating": 8, "single_choice": 10, "multi_choice": 15, "text": 45}
RATING_SCALES = (5, 7)
DEFAULT_TEXT_LIMIT = 2000
MAX_TEXT_LIMIT = 5000  # keeps a response item far below DynamoDB's 400 KB
LANGUAGE_TAG = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
SURVEY_ID = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
REPORTING_MODES = ("aggregate", "identified")
LAYOUTS = ("single", "pages")  # pages: one section per page with a progress bar

LocalizedText = dict[str, str]
# End labels of an NPS question without its own labels, in the languages we ship.
DEFAULT_NPS_LABELS = {
    "low": {"en": "Not at all likely", "es": "Nada probable", "de": "Sehr unwahrscheinlich",
            "fr": "Pas du tout probable", "pt": "Nada provável", "pt-BR": "Nada provável",
            "it": "Per niente probabile", "ja": "まったく薦めない", "nl": "Helemaal niet waarschijnlijk"},
    "high": {"en": "Extremely likely", "es": "Muy probable", "de": "Äußerst wahrscheinlich",
             "fr": "Extrêmement probable", "pt": "Extremamente provável", "pt-BR": "Extremamente provável",
             "it": "Estremamente probabile", "ja": "非常に薦めたい", "nl": "Zeer waarschijnlijk"},
}


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
    short: str | None = None  # a short label for reports and charts ("Incentive payouts"); full text in detail
    show_if: dict | None = None  # the question's own condition (normalised)
    na_option: bool = False  # rating/matrix: offer "Not applicable" (stored as "na")
    items: tuple[Option, ...] = ()  # matrix rows, all on the one scale
    # the question's own condition combined with its section's: when it is asked at all
    eligibility: dict | None = field(default=None, compare=False)

    def option_ids(self) -> list[str]:
        return [option.id for option in self.options]

    def item_ids(self) -> list[str]:
        return [item.id for item in self.items]

    @property
    def value_range(self) -> tuple[int, int] | None:
        """Inclusive range of a scale question, None for other types."""
        if self.type == "nps":
            return (0, 10)
        if self.type in ("rating", "matrix"):
            return (1, self.scale or 5)
        return None


@dataclass(frozen=True)
class Section:
    id: str
    title: LocalizedText
    questions: tuple[Question, ...]
    description: LocalizedText | None = None
    show_if: dict | None = None


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
    layout: str = "single"  # "pages": one section per page with a progress bar
    # invitation/reminder e-mail wording: {kind: {"subject": LocalizedText, "body": LocalizedText}}
    messages: dict = field(default_factory=dict)
    default_language: str = "en"  # for contacts whose language the survey does not offer
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    def visible_questions(self, partner: dict | None, answers: dict) -> list[Question]:
        """The questions shown to this partner given these answers, in order.

        A condition sees only answers to questions that are themselves shown.
        """
        shown: list[Question] = []
        seen: dict = {}
        for question in self.questions():
            if evaluate(question.eligibility, seen, partner):
                shown.append(question)
                if question.id in answers:
                    seen[question.id] = answers[question.id]
        return shown

    def language_for(self, requested: str | None) -> str:
        """``requested`` if the survey offers it (or its base language), else the default language."""
        tag = (requested or "").strip()
        for candidate in (tag, tag.split("-")[0].lower()):
            if candidate in self.languages:
                return candidate
        return self.default_language

    def message(self, kind: str, part: str, language: str) -> str | None:
        """The survey's own subject or body of an e-mail kind in ``language``.

        None when the survey has no such text in that language: the product's wording in that
        language is used then, never a mix of two languages in one e-mail.
        """
        text = (self.messages.get(kind) or {}).get(part)
        return text.get(language) if text else None

    def shown_answers(self, partner: dict | None, answers: dict) -> dict:
        """``answers`` without those to questions the logic hides (answers may be raw form values)."""
        shown = {q.id for q in self.visible_questions(partner, answers)}
        known = self.questions_by_id()
        return {k: v for k, v in answers.items() if k in shown or k not in known}

    def visible_sections(self, partner: dict | None, answers: dict) -> list[Section]:
        """Sections (pages) shown: their own condition holds and they have a shown question."""
        shown = {q.id for q in self.visible_questions(partner, answers)}
        return [s for s in self.sections if any(q.id in shown for q in s.questions)]

    def estimated_minutes(self) -> int:
        """Minutes to answer every question (rounded up, at least 1)."""
        seconds = sum(SECONDS_PER.get(q.type, 8) if q.type != "matrix" else 8 * len(q.items)
                      for q in self.questions())
        return max(1, -(-seconds // 60))

    def contact_consented(self, answers: dict) -> bool:
        """True when identified follow-up is allowed for a response with these answers
        (``chalicelib.domain.consent.identifiable``, the one consent rule)."""
        return identifiable(self, answers)

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
                for name in PIPE.findall(text):
                    if name not in PIPE_FIELDS:
                        self.add(f"{path}.{lang}", f"{{partner.{name}}} is not one of "
                                                   + ", ".join(f"{{partner.{f}}}" for f in PIPE_FIELDS))
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
                  "max_length", "program", "topic", "show_if", "na_option", "items", "short"}
SHORT_LABEL_MAX = 40


def _short_label(c: _Collector, value: Any, path: str) -> str | None:
    """An optional short label: one line of plain text, at most SHORT_LABEL_MAX characters."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or not value.isprintable():
        c.add(path, "must be one line of text, such as 'Incentive payouts'")
        return None
    value = " ".join(value.split())
    if len(value) > SHORT_LABEL_MAX:
        c.add(path, f"must be at most {SHORT_LABEL_MAX} characters")
        return None
    return value


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
    kwargs["short"] = _short_label(c, data.get("short"), f"{path}.short")
    na_option = data.get("na_option", False)
    if not isinstance(na_option, bool):
        c.add(f"{path}.na_option", "must be true or false")
    elif na_option and qtype not in ("rating", "matrix"):
        c.add(f"{path}.na_option", "only rating and matrix questions offer 'Not applicable'")
    kwargs["na_option"] = na_option is True
    if qtype == "matrix":
        items = data.get("items")
        if not isinstance(items, list) or not items:
            c.add(f"{path}.items", "a matrix needs a list of items (rows), each {id, label}")
            items = []
        kwargs["items"] = _parse_options(c, items, f"{path}.items", langs)
    elif "items" in data:
        c.add(f"{path}.items", "only matrix questions have items")
    if qtype in ("rating", "matrix"):
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
        for end in ("low", "high"):
            default = {lang: text for lang, text in DEFAULT_NPS_LABELS[end].items() if lang in langs}
            kwargs[f"{end}_label"] = c.text(labels.get(end, default), f"{path}.labels.{end}", langs)
    elif "labels" in data:
        c.add(f"{path}.labels", "only nps and rating questions have labels")
    if qtype in ("single_choice", "multi_choice"):
        options = data.get("options")
        if not isinstance(options, list) or len(options) < 2:
            c.add(f"{path}.options", "a choice question needs at least two options")
            options = []
        kwargs["options"] = _parse_options(c, options, f"{path}.options", langs)
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


def _parse_options(c: _Collector, entries: list, path: str, langs: tuple[str, ...]) -> tuple[Option, ...]:
    """Choice options or matrix rows: each ``{id, label}`` with a unique id."""
    seen: set[str] = set()
    parsed = []
    for i, entry in enumerate(entries):
        epath = f"{path}[{i}]"
        if not isinstance(entry, dict):
            c.add(epath, "must be a mapping with id and label")
            continue
        eid = c.identifier(entry.get("id"), f"{epath}.id", seen)
        parsed.append(Option(eid, c.text(entry.get("label"), f"{epath}.label", langs) or {}))
    return tuple(parsed)


def parse_survey_definition(data: Any) -> Survey:
    """Validate a definition mapping and return the Survey, or raise InvalidInput."""
    c = _Collector()
    if not isinstance(data, dict):
        raise InvalidInput(FieldProblem("(root)", "a survey definition must be a mapping"))
    for key in sorted(set(data) - {"id", "version", "title", "intro", "languages", "sections",
                                   "reporting", "consent_question", "layout", "messages",
                                   "default_language"}):
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
    raw_logic: dict[tuple, Any] = {}
    for s, section in enumerate(sections_data):
        spath = f"sections[{s}]"
        if not isinstance(section, dict):
            c.add(spath, "must be a mapping")
            continue
        for key in sorted(set(section) - {"id", "title", "description", "questions", "show_if"}):
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
        raw_logic[("section", s)] = section.get("show_if")
        for i, q in enumerate(questions_data):
            if isinstance(q, dict) and q.get("show_if") is not None:
                raw_logic[("question", s, i)] = q["show_if"]
    if not c.problems:
        sections = _parse_logic(c, sections, raw_logic)
    reporting, consent_question = _parse_reporting(c, data, sections)
    default_language = data.get("default_language", "en")
    if default_language not in langs:
        c.add("default_language", f"must be one of the survey's languages {list(langs)}")
        default_language = "en"
    messages = _parse_messages(c, data.get("messages"), langs)
    layout = data.get("layout", "single")
    if layout not in LAYOUTS:
        c.add("layout", "must be 'pages' (one section per page) or 'single' (everything on one page)")
        layout = "single"
    if c.problems:
        raise InvalidInput(c.problems, summary=f"survey definition has {len(c.problems)} problem(s)")
    survey = Survey(id=survey_id, version=version, title=title, intro=intro,
                    languages=langs, sections=tuple(sections),
                    reporting=reporting, consent_question=consent_question, layout=layout,
                    messages=messages, default_language=default_language)
    return Survey(**{**survey.__dict__, "raw": survey_to_dict(survey)})


def _limited_to_program(condition: dict | None, program: str, questions: dict) -> bool:
    """True when ``condition`` can only hold for partners in ``program``: it requires (alone or
    inside ``all``) the partner's programs, or a multiple-choice answer, to include it."""
    if not condition:
        return False
    if "all" in condition:
        return any(_limited_to_program(c, program, questions) for c in condition["all"])
    if "any" in condition:
        return all(_limited_to_program(c, program, questions) for c in condition["any"])
    if condition.get("partner") == "programs":
        return condition.get("includes") == program or condition.get("in") == [program]
    if "question" in condition and condition.get("includes") == program:
        return True
    return False


def _parse_logic(c: _Collector, sections: list[Section], raw_logic: dict) -> list[Section]:
    """Check every ``show_if`` (look back only, no cycles) and attach the normalised conditions."""
    questions = {q.id: q for section in sections for q in section.questions}
    order = {qid: i for i, qid in enumerate(questions)}
    checker = ConditionChecker(questions, order, c.problems)
    owners: list[tuple[str, str, str]] = []  # (owner question id, path, referenced id) looking forward
    parsed = []
    for s, section in enumerate(sections):
        first = order[section.questions[0].id] if section.questions else 0
        before = len(checker.forward)
        section_condition = None
        if raw_logic.get(("section", s)) is not None:
            section_condition = checker.check(raw_logic[("section", s)], f"sections[{s}].show_if", first)
        section_forward = checker.forward[before:]
        new_questions = []
        for i, question in enumerate(section.questions):
            path = f"sections[{s}].questions[{i}].show_if"
            start = len(checker.forward)
            condition = None
            if raw_logic.get(("question", s, i)) is not None:
                condition = checker.check(raw_logic[("question", s, i)], path, order[question.id])
            owners.extend((question.id, p, ref) for p, ref in checker.forward[start:])
            owners.extend((question.id, p, ref) for p, ref in section_forward)
            new_questions.append(replace(question, show_if=condition,
                                         eligibility=combine(section_condition, condition)))
        parsed.append(replace(section, show_if=section_condition, questions=tuple(new_questions)))
        for i, question in enumerate(new_questions):
            if question.program and not _limited_to_program(question.eligibility, question.program, questions):
                c.add(f"sections[{s}].questions[{i}].program",
                      f"'{question.program}' tags a question everyone is shown: add show_if "
                      f"{{partner: programs, includes: {question.program}}} (or a question whose answer "
                      "includes it), or remove the tag; its results describe the program's partners only")
    graph = {q.id: references(q.eligibility) for section in parsed for q in section.questions}
    cycles_seen: set[frozenset] = set()
    paths_done: set[str] = set()
    for owner, path, ref in owners:
        if path in paths_done:
            continue  # one message per problem (a section's condition is shared by its questions)
        paths_done.add(path)
        cycle = find_cycle(graph, owner)
        if cycle and ref in cycle:
            if frozenset(cycle) not in cycles_seen:
                cycles_seen.add(frozenset(cycle))
                c.add(path, "forms a cycle: " + " → ".join(cycle))
            continue
        c.add(path, f"refers to '{ref}', which does not come before this question "
                    "(logic may only look back at earlier answers)")
    return parsed


MESSAGE_KINDS = ("invitation", "reminder")
MESSAGE_FIELDS = {"partner": "Nordwave", "name": "Lena", "closes": "31 May", "survey": "Survey",
                  "minutes": "5 minutes", "sender": "Team"}


def _parse_messages(c: _Collector, data: Any, langs: tuple[str, ...]) -> dict:
    """``messages: {invitation|reminder: {subject, body}}``, each text in the survey's languages."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        c.add("messages", "must be a mapping: {invitation: {subject, body}, reminder: {subject, body}}")
        return {}
    out: dict = {}
    for kind, parts in data.items():
        if kind not in MESSAGE_KINDS:
            c.add(f"messages.{kind}", f"unknown message; use {' or '.join(MESSAGE_KINDS)}")
            continue
        if not isinstance(parts, dict) or not parts or set(parts) - {"subject", "body"}:
            c.add(f"messages.{kind}", "must be a mapping with subject and/or body")
            continue
        out[kind] = {}
        for part, value in parts.items():
            path = f"messages.{kind}.{part}"
            text = c.text(value, path, langs)
            for lang, words in (text or {}).items():
                try:
                    words.format_map(MESSAGE_FIELDS)
                except (KeyError, ValueError, IndexError, AttributeError) as error:
                    c.add(f"{path}.{lang}", f"has an unknown placeholder or brace ({error}); use "
                                            + ", ".join(f"{{{k}}}" for k in MESSAGE_FIELDS))
                if part == "subject" and ("\n" in words or len(words) > 200):
                    c.add(f"{path}.{lang}", "a subject is one line of at most 200 characters")
            out[kind][part] = text or {}
    return out


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
        if q.type in ("rating", "matrix"):
            out["scale"] = q.scale
        if q.type in ("rating", "nps", "matrix"):
            out["labels"] = {"low": q.low_label, "high": q.high_label}
        if q.items:
            out["items"] = [{"id": o.id, "label": o.label} for o in q.items]
        if q.na_option:
            out["na_option"] = True
        if q.show_if:
            out["show_if"] = q.show_if
        if q.options:
            out["options"] = [{"id": o.id, "label": o.label} for o in q.options]
        if q.type == "text":
            out["max_length"] = q.max_length
        for tag in ("program", "topic", "short"):
            if getattr(q, tag):
                out[tag] = getattr(q, tag)
        return out

    out: dict[str, Any] = {
        "id": survey.id, "version": survey.version, "title": survey.title,
        "languages": list(survey.languages),
        "sections": [
            {"id": s.id, "title": s.title,
             **({"description": s.description} if s.description else {}),
             **({"show_if": s.show_if} if s.show_if else {}),
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
    if survey.layout != "single":
        out["layout"] = survey.layout
    if survey.messages:
        out["messages"] = survey.messages
    if survey.default_language != "en":
        out["default_language"] = survey.default_language
    return out


def missing_translations(survey: Survey) -> list[tuple[str, str]]:
    """(path, language) of every user-visible text lacking one of the survey's languages."""
    out: list[tuple[str, str]] = []

    def check(path: str, text: LocalizedText | None) -> None:
        if text:
            out.extend((path, lang) for lang in survey.languages if lang not in text)

    check("title", survey.title)
    check("intro", survey.intro)
    for kind, parts in survey.messages.items():
        for part, text in parts.items():
            check(f"messages.{kind}.{part}", text)
    for s, section in enumerate(survey.sections):
        check(f"sections[{s}].title", section.title)
        check(f"sections[{s}].description", section.description)
        for q, question in enumerate(section.questions):
            path = f"sections[{s}].questions[{q}]"
            check(f"{path}.text", question.text)
            check(f"{path}.help", question.help)
            check(f"{path}.labels.low", question.low_label)
            check(f"{path}.labels.high", question.high_label)
            for o, option in enumerate(question.options):
                check(f"{path}.options[{o}].label", option.label)
    return out


def pipe(text: str, partner: dict | None, labels=None) -> str:
    """Replace ``{partner.name}``, ``{partner.tier}``, ``{partner.region}`` in a shown text.

    ``labels(dimension, value)`` turns ids into the program's labels; unknown values stay empty.
    """
    if "{partner." not in text:
        return text
    partner = partner or {}

    def value(match: re.Match) -> str:
        name = match.group(1)
        raw = partner.get(name)
        if raw is None:
            return ""
        return labels(name, raw) if labels and name in ("tier", "region") else str(raw)
    return PIPE.sub(value, text)
