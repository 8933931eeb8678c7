"""Event types and their transactional pulses (issue 27): declared in the program file.

Each event type (``poc_funded``, ``payout_made`` ...) has an attribute schema, a short pulse survey
(one 0-10 question, one 1-5 rating, one comment), a delay before inviting, an expiry, and who to ask.
Its pulse is stored as an ordinary survey ``pulse-<type>`` with one rolling wave per calendar month
(``pulse-<type>-2026-12``), so the form, invitations, mail, scorecards and exports work unchanged.
Problems are reported with their path (``event_types[1].attributes.outcome.allowed``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import FieldProblem, InvalidInput

TYPE_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ATTRIBUTE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
EVENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
PARTNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
LANGUAGE_TAG = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[A-Za-z]{2,}$")
ATTRIBUTE_TYPES = ("string", "number", "boolean")
ASK = ("event_contact", "primary_contact")
DEFAULT_DELAY_DAYS = 2
DEFAULT_EXPIRY_DAYS = 14
MAX_TEXT = 200
MAX_ATTRIBUTES = 20
TYPE_KEYS = {"id", "label", "program", "attributes", "pulse", "delay_days", "expiry_days", "ask"}
PULSE_KEYS = {"languages", "question", "rating", "comment", "title"}
EVENT_KEYS = {"event_id", "event_type", "partner_id", "contact", "occurred_at", "attributes"}
# Default wording of the three pulse questions; ``{moment}`` is the event type's label.
DEFAULT_WORDING = {
    "title": {"en": "{moment}: two quick questions"},
    "question": {"en": "Thinking of {moment}, how likely are you to recommend working with us on it?"},
    "rating": {"en": "How easy was {moment} for you?"},
    "comment": {"en": "What one thing should we change?"},
}
EASE_LABELS = {"low": {"en": "Very difficult", "es": "Muy difícil", "de": "Sehr schwierig", "fr": "Très difficile",
                       "pt": "Muito difícil", "it": "Molto difficile", "nl": "Zeer moeilijk", "ja": "とても難しい"},
               "high": {"en": "Very easy", "es": "Muy fácil", "de": "Sehr einfach", "fr": "Très facile",
                        "pt": "Muito fácil", "it": "Molto facile", "nl": "Zeer eenvoudig", "ja": "とても簡単"}}


@dataclass(frozen=True)
class AttributeSpec:
    name: str
    type: str = "string"
    allowed: tuple = ()
    required: bool = False


@dataclass(frozen=True)
class EventType:
    id: str
    label: str
    attributes: tuple[AttributeSpec, ...] = ()
    program: str | None = None  # the incentive program the moment belongs to
    languages: tuple[str, ...] = ("en",)
    wording: dict = field(default_factory=dict, compare=False)  # title/question/rating/comment -> {lang: text}
    delay_days: float = DEFAULT_DELAY_DAYS
    expiry_days: float = DEFAULT_EXPIRY_DAYS
    ask: str = "event_contact"

    @property
    def survey_id(self) -> str:
        return pulse_survey_id(self.id)

    def attribute(self, name: str) -> AttributeSpec | None:
        return next((a for a in self.attributes if a.name == name), None)

    def to_dict(self) -> dict:
        out = {"id": self.id, "label": self.label, "delay_days": self.delay_days,
               "expiry_days": self.expiry_days, "ask": self.ask,
               "attributes": {a.name: {"type": a.type, **({"allowed": list(a.allowed)} if a.allowed else {}),
                                       "required": a.required} for a in self.attributes},
               "pulse": {"languages": list(self.languages), **self.wording}}
        if self.program:
            out["program"] = self.program
        return out


def pulse_survey_id(event_type: str) -> str:
    return "pulse-" + event_type.replace("_", "-")


def pulse_wave_id(event_type: str, moment: datetime) -> str:
    """The rolling wave of a month: ``pulse-poc-funded-2026-12``."""
    return f"{pulse_survey_id(event_type)}-{moment.astimezone(UTC):%Y-%m}"


def month_bounds(moment: datetime) -> tuple[datetime, datetime]:
    """First instant of the month and first instant of the next month (UTC)."""
    start = moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _wording(problems: list, data: Any, path: str, langs: tuple[str, ...]) -> dict:
    if data is None:
        return {}
    if isinstance(data, str):
        data = {"en": data}
    if not isinstance(data, dict) or not all(isinstance(v, str) and v.strip() and len(v) <= 300
                                             for v in data.values()):
        problems.append(FieldProblem(path, "must be a text or a mapping of language to text "
                                           "(at most 300 characters)"))
        return {}
    for lang in data:
        if lang not in langs:
            problems.append(FieldProblem(f"{path}.{lang}",
                                         f"'{lang}' is not one of the pulse's languages {list(langs)}"))
    return {k: v.strip() for k, v in data.items()}


def _attributes(problems: list, data: Any, path: str) -> tuple[AttributeSpec, ...]:
    if data is None:
        return ()
    if not isinstance(data, dict) or len(data) > MAX_ATTRIBUTES:
        problems.append(FieldProblem(path, f"must be a mapping of attribute name to {{type, allowed, required}} "
                                           f"(at most {MAX_ATTRIBUTES})"))
        return ()
    out = []
    for name, spec in data.items():
        where = f"{path}.{name}"
        if not isinstance(name, str) or not ATTRIBUTE.match(name):
            problems.append(FieldProblem(where, "attribute names are lowercase letters, digits or _"))
            continue
        spec = {"type": spec} if isinstance(spec, str) else spec
        if not isinstance(spec, dict):
            problems.append(FieldProblem(where, "must be a mapping with type, allowed and required"))
            continue
        for extra in sorted(set(spec) - {"type", "allowed", "required"}, key=str):
            problems.append(FieldProblem(f"{where}.{extra}", "unknown key"))
        kind = spec.get("type", "string")
        if kind not in ATTRIBUTE_TYPES:
            problems.append(FieldProblem(f"{where}.type", f"must be one of {', '.join(ATTRIBUTE_TYPES)}"))
            continue
        allowed = spec.get("allowed", [])
        check = {"string": lambda v: isinstance(v, str) and 0 < len(v) <= 64, "number": _number,
                 "boolean": lambda v: isinstance(v, bool)}[kind]
        distinct = isinstance(allowed, list) and len(set(map(str, allowed))) == len(allowed)
        if not distinct or not all(check(v) for v in allowed):
            problems.append(FieldProblem(f"{where}.allowed", f"must be a list of distinct {kind} values"))
            allowed = []
        required = spec.get("required", False)
        if not isinstance(required, bool):
            problems.append(FieldProblem(f"{where}.required", "must be true or false"))
            required = False
        out.append(AttributeSpec(name, kind, tuple(allowed), required))
    return tuple(out)


def _days(problems: list, value: Any, path: str, default: float, low: float, high: float) -> float:
    if value is None:
        return default
    if not _number(value) or not low <= value <= high:
        problems.append(FieldProblem(path, f"must be a number of days from {low:g} to {high:g}"))
        return default
    return float(value)


def parse_event_types(data: Any, program_ids: tuple[str, ...] = ()) -> tuple[EventType, ...]:
    """The ``event_types`` list of a program; raises InvalidInput naming every problem."""
    problems: list[FieldProblem] = []
    out = parse_event_types_into(problems, data, program_ids)
    if problems:
        raise InvalidInput(problems, summary=f"event types have {len(problems)} problem(s)")
    return out


def parse_event_types_into(problems: list, data: Any,
                           program_ids: tuple[str, ...] = ()) -> tuple[EventType, ...]:
    """Like :func:`parse_event_types`, appending problems to ``problems`` (the program parser's list)."""
    if data is None:
        return ()
    if not isinstance(data, list):
        problems.append(FieldProblem("event_types", "must be a list of event types, each with an id"))
        return ()
    seen: set[str] = set()
    out = []
    for i, entry in enumerate(data):
        path = f"event_types[{i}]"
        if not isinstance(entry, dict):
            problems.append(FieldProblem(path, "must be a mapping with id, label, attributes and pulse"))
            continue
        for extra in sorted(set(entry) - TYPE_KEYS, key=str):
            problems.append(FieldProblem(f"{path}.{extra}", "unknown key"))
        type_id = entry.get("id")
        if not isinstance(type_id, str) or not TYPE_ID.match(type_id):
            problems.append(FieldProblem(f"{path}.id", "must be lowercase letters, digits or _ (at most 40), "
                                                       "starting with a letter"))
            continue
        if type_id in seen:
            problems.append(FieldProblem(f"{path}.id", f"duplicate id '{type_id}'"))
            continue
        seen.add(type_id)
        label = entry.get("label", type_id.replace("_", " "))
        if not isinstance(label, str) or not label.strip() or len(label) > 80:
            problems.append(FieldProblem(f"{path}.label", "must be a non-empty text of at most 80 characters"))
            label = type_id
        program = entry.get("program")
        if program is not None and (not isinstance(program, str) or (program_ids and program not in program_ids)):
            problems.append(FieldProblem(f"{path}.program", f"must be one of the program's incentive programs "
                                                            f"({', '.join(program_ids) or 'none listed'})"))
            program = None
        ask = entry.get("ask", "event_contact")
        if ask not in ASK:
            problems.append(FieldProblem(f"{path}.ask", f"must be one of {', '.join(ASK)}"))
            ask = "event_contact"
        delay = _days(problems, entry.get("delay_days"), f"{path}.delay_days", DEFAULT_DELAY_DAYS, 0, 60)
        expiry = _days(problems, entry.get("expiry_days"), f"{path}.expiry_days", DEFAULT_EXPIRY_DAYS, 1, 90)
        if expiry <= delay:
            problems.append(FieldProblem(f"{path}.expiry_days", "must be later than delay_days"))
        pulse = entry.get("pulse") or {}
        if not isinstance(pulse, dict):
            problems.append(FieldProblem(f"{path}.pulse", "must be a mapping with languages and wording"))
            pulse = {}
        for extra in sorted(set(pulse) - PULSE_KEYS, key=str):
            problems.append(FieldProblem(f"{path}.pulse.{extra}", "unknown key"))
        languages = pulse.get("languages", ["en"])
        if not isinstance(languages, list) or "en" not in languages or not all(
                isinstance(lang, str) and LANGUAGE_TAG.match(lang) for lang in languages):
            problems.append(FieldProblem(f"{path}.pulse.languages", "must be a list of language tags including 'en'"))
            languages = ["en"]
        langs = tuple(dict.fromkeys(languages))
        wording = {key: _wording(problems, pulse.get(key), f"{path}.pulse.{key}", langs)
                   for key in ("title", "question", "rating", "comment") if pulse.get(key) is not None}
        attributes = _attributes(problems, entry.get("attributes"), f"{path}.attributes")
        out.append(EventType(type_id, label.strip(), attributes, program, langs, wording, delay, expiry, ask))
    return tuple(out)


def _localized(wording: dict, key: str, langs: tuple[str, ...], label: str) -> dict:
    given = wording.get(key) or {}
    default = DEFAULT_WORDING[key]["en"]
    return {lang: (given.get(lang) or given.get("en") or default).replace("{moment}", label)
            .replace("{Moment}", label) for lang in langs}


def pulse_survey_definition(event_type: EventType, version: int) -> dict:
    """The survey definition of an event type's pulse (parsed by the ordinary survey parser)."""
    langs = event_type.languages
    title = {lang: text[:1].upper() + text[1:] for lang, text in
             _localized(event_type.wording, "title", langs, event_type.label).items()}
    question = {"id": "q_score", "type": "nps", "required": True,
                "text": _localized(event_type.wording, "question", langs, event_type.label)}
    rating = {"id": "q_ease", "type": "rating", "scale": 5,
              "text": _localized(event_type.wording, "rating", langs, event_type.label),
              "labels": {end: {lang: words.get(lang.split("-")[0], words["en"]) for lang in langs}
                         for end, words in EASE_LABELS.items()}}
    return {"id": event_type.survey_id, "version": version, "languages": list(langs), "title": title,
            "sections": [{"id": "moment", "title": title, "questions": [
                question, rating,
                {"id": "q_comment", "type": "text", "max_length": 1000,
                 "text": _localized(event_type.wording, "comment", langs, event_type.label)}]}]}


# -- incoming events -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProgramEvent:
    """One validated moment of the program, as stored."""

    event_id: str
    event_type: str
    partner_id: str
    occurred_at: str  # ISO UTC
    attributes: dict
    contact_email: str | None = None
    contact_language: str | None = None

    def to_dict(self) -> dict:
        return {"event_id": self.event_id, "event_type": self.event_type, "partner_id": self.partner_id,
                "occurred_at": self.occurred_at, "attributes": dict(self.attributes),
                "contact_email": self.contact_email, "contact_language": self.contact_language}


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_attributes(problems: list, event_type: EventType, attributes: Any, path: str = "attributes") -> dict:
    """The attributes of an event checked against its type's schema."""
    if attributes is None:
        attributes = {}
    if not isinstance(attributes, dict):
        problems.append(FieldProblem(path, "must be an object of attribute name to value"))
        return {}
    out = {}
    for name in sorted(set(attributes) - {a.name for a in event_type.attributes}, key=str):
        names = ", ".join(a.name for a in event_type.attributes) or "none"
        problems.append(FieldProblem(f"{path}.{name}", f"is not an attribute of event type '{event_type.id}' "
                                                       f"({names})"))
    for spec in event_type.attributes:
        value = attributes.get(spec.name)
        where = f"{path}.{spec.name}"
        if value is None or value == "":
            if spec.required:
                problems.append(FieldProblem(where, "is required"))
            continue
        ok = {"string": isinstance(value, str) and len(value) <= MAX_TEXT, "number": _number(value),
              "boolean": isinstance(value, bool)}[spec.type]
        if not ok:
            limit = f" of at most {MAX_TEXT} characters" if spec.type == "string" else ""
            problems.append(FieldProblem(where, f"must be a {spec.type}{limit}"))
            continue
        if spec.allowed and value not in spec.allowed:
            problems.append(FieldProblem(where, f"'{value}' is not one of {', '.join(map(str, spec.allowed))}"))
            continue
        out[spec.name] = value
    return out


def parse_event(body: Any, event_types: tuple[EventType, ...], now: datetime) -> ProgramEvent:
    """Validate an incoming event (JSON object); InvalidInput names every bad field."""
    if not isinstance(body, dict):
        raise InvalidInput(FieldProblem("(body)", "must be a JSON object with event_id, event_type, partner_id, "
                                                  "occurred_at and attributes"))
    problems = [FieldProblem(str(k), "unknown field") for k in sorted(set(body) - EVENT_KEYS, key=str)]
    event_id = body.get("event_id")
    if not isinstance(event_id, str) or not EVENT_ID.match(event_id):
        problems.append(FieldProblem("event_id", "is required: 1-128 letters, digits, '.', '_', ':' or '-'"))
    partner_id = body.get("partner_id")
    if not isinstance(partner_id, str) or not PARTNER_ID.match(partner_id):
        problems.append(FieldProblem("partner_id", "is required: letters, digits, '-' or '_' (1-64)"))
    occurred = _instant(body.get("occurred_at"))
    if occurred is None:
        problems.append(FieldProblem("occurred_at", "is required: an ISO 8601 date-time such as 2026-12-01T09:30:00Z"))
    elif occurred > now + timedelta(minutes=5):
        problems.append(FieldProblem("occurred_at", "is in the future"))
    by_id = {t.id: t for t in event_types}
    type_id = body.get("event_type")
    event_type = by_id.get(type_id) if isinstance(type_id, str) else None
    if event_type is None:
        problems.append(FieldProblem("event_type", f"'{type_id}' is not an event type of the program "
                                                   f"({', '.join(by_id) or 'none declared'})"))
    email, language = None, None
    contact = body.get("contact")
    if isinstance(contact, str):
        contact = {"email": contact}
    if contact is not None:
        if not isinstance(contact, dict) or set(contact) - {"email", "language", "name"}:
            problems.append(FieldProblem("contact", "must be an object with email (and optionally language)"))
        else:
            email = contact.get("email")
            if not isinstance(email, str) or len(email) > 254 or not EMAIL.match(email.strip()):
                problems.append(FieldProblem("contact.email", "must be an e-mail address"))
                email = None
            else:
                email = email.strip().lower()
            language = contact.get("language")
            if language is not None and (not isinstance(language, str) or not LANGUAGE_TAG.match(language)):
                problems.append(FieldProblem("contact.language", "must be a language tag such as 'en' or 'pt-BR'"))
                language = None
    attributes = {}
    if event_type is not None:
        if event_type.ask == "event_contact" and contact is None:
            problems.append(FieldProblem("contact", f"is required: event type '{event_type.id}' asks the event's "
                                                    "contact"))
        attributes = check_attributes(problems, event_type, body.get("attributes"))
    if problems:
        raise InvalidInput(problems, summary=f"event has {len(problems)} problem(s)"
                           if len(problems) > 1 else None)
    return ProgramEvent(event_id, event_type.id, partner_id, occurred.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        attributes, email, language)
