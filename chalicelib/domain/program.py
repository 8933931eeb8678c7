"""The partner program: tiers, regions, partner types, incentive programs and their labels.

A program definition is a plain mapping (loaded from YAML or JSON by the caller), versioned
like a survey. Problems are reported with their path, e.g. ``tiers[2].order``. When no
program has been applied, :data:`DEFAULT_PROGRAM` (the demo's model) is used.

An optional ``changes`` section declares program changes (issue 22) in the program's own terms;
they are validated here but are not part of the versioned definition: the program import records
them in the change record (``services.changes.import_changes``), so adding one needs no new
program version.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .changes import ProgramChange, parse_change
from .errors import FieldProblem, InvalidInput
from .pulses import EventType, parse_event_types_into

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
REGION_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
LANGUAGE_TAG = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
DIMENSIONS = ("tier", "region", "partner_type", "program")
REQUIRED_KEYS = ("version", "tiers", "regions")
PROGRAM_KEYS = {"version", "name", "sender_name", "revenue_currency", "tiers", "regions",
                "partner_types", "programs", "themes", "closing_reasons", "changes", "event_types"}
MAX_SENDER_NAME = 80


@dataclass(frozen=True)
class Choice:
    """One allowed value of a dimension: its id (stored) and label (shown)."""

    id: str
    label: str
    order: int = 0


@dataclass(frozen=True)
class Program:
    version: int
    name: str
    sender_name: str
    revenue_currency: str
    tiers: tuple[Choice, ...]
    regions: tuple[Choice, ...]
    partner_types: tuple[Choice, ...]
    programs: tuple[Choice, ...]
    themes: dict = field(default_factory=dict, compare=False)
    # why a follow-up with a partner was closed (the follow-up page and the report count by these)
    closing_reasons: tuple[Choice, ...] = ()
    # issue 27: the program's moments (events) and their transactional pulses (domain/pulses.py)
    event_types: tuple[EventType, ...] = ()
    # declared program changes (recorded by the import, not part of the stored definition)
    changes: tuple[ProgramChange, ...] = field(default=(), compare=False)
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    def choices(self, dimension: str) -> tuple[Choice, ...]:
        """The allowed values of ``tier``, ``region``, ``partner_type`` or ``program``, in order."""
        return {"tier": self.tiers, "region": self.regions, "partner_type": self.partner_types,
                "program": self.programs, "closing_reason": self.closing_reasons}[_dimension(dimension)]

    def ids(self, dimension: str) -> tuple[str, ...]:
        return tuple(choice.id for choice in self.choices(dimension))

    def label(self, dimension: str, value: str) -> str:
        """The label of a value; an unknown value (from an older program) is shown as its id."""
        return next((c.label for c in self.choices(dimension) if c.id == value), str(value))

    def sort_key(self, dimension: str):
        """Key function ordering values as the program lists them; unknown values last, by name."""
        rank = {choice.id: i for i, choice in enumerate(self.choices(dimension))}
        return lambda value: (rank.get(value, len(rank)), str(value))

    def catalogue(self) -> dict:
        """Ids, labels and order of every dimension, for analysis, dashboard and report."""
        return {dimension: [{"id": c.id, "label": c.label} for c in self.choices(dimension)]
                for dimension in DIMENSIONS}

    def to_dict(self) -> dict:
        return self.raw

    def event_type(self, type_id: str) -> EventType | None:
        return next((t for t in self.event_types if t.id == type_id), None)


def _dimension(name: str) -> str:
    aliases = {"tiers": "tier", "regions": "region", "partner_types": "partner_type",
               "type": "partner_type", "types": "partner_type", "programs": "program",
               "closing_reasons": "closing_reason"}
    return aliases.get(name, name)


def _choices(problems: list[FieldProblem], data: Any, key: str, pattern: re.Pattern,
             with_order: bool) -> tuple[Choice, ...]:
    if not isinstance(data, list) or not data:
        problems.append(FieldProblem(key, "must be a non-empty list of {id, label}"))
        return ()
    seen: set[str] = set()
    orders: dict[int, str] = {}
    out = []
    for i, entry in enumerate(data):
        path = f"{key}[{i}]"
        if isinstance(entry, str):
            entry = {"id": entry}
        if not isinstance(entry, dict):
            problems.append(FieldProblem(path, "must be a mapping with id and label"))
            continue
        allowed = {"id", "label", "order"} if with_order else {"id", "label"}
        for extra in sorted(set(entry) - allowed, key=str):
            problems.append(FieldProblem(f"{path}.{extra}", "unknown key"))
        cid = entry.get("id")
        if not isinstance(cid, str) or not pattern.match(cid):
            hint = ("letters, digits, '-' or '_', starting with a letter" if pattern is REGION_ID
                    else "lowercase letters, digits or _ and start with a letter")
            problems.append(FieldProblem(f"{path}.id", f"must be {hint}"))
            continue
        if cid in seen:
            problems.append(FieldProblem(f"{path}.id", f"duplicate id '{cid}'"))
            continue
        seen.add(cid)
        label = entry.get("label", cid)
        if not isinstance(label, str) or not label.strip() or len(label) > 80:
            problems.append(FieldProblem(f"{path}.label", "must be a non-empty string of at most 80 characters"))
            label = cid
        order = i + 1
        if with_order:
            order = entry.get("order", i + 1)
            if isinstance(order, bool) or not isinstance(order, int) or order < 1:
                problems.append(FieldProblem(f"{path}.order", "must be a whole number of 1 or more"))
                order = i + 1
            elif order in orders:
                problems.append(FieldProblem(f"{path}.order", f"is the same as tier '{orders[order]}'"))
            orders[order] = cid
        out.append(Choice(cid, label.strip(), order))
    return tuple(sorted(out, key=lambda c: c.order)) if with_order else tuple(out)


def _check_themes(problems: list[FieldProblem], themes: Any) -> dict:
    """The comment analysis owns the theme format; here only its outline is checked."""
    if themes is None:
        return {}
    if not isinstance(themes, dict):
        problems.append(FieldProblem("themes", "must be a mapping of theme id to {label, phrases}"))
        return {}
    for theme_id, theme in themes.items():
        path = f"themes.{theme_id}"
        if not isinstance(theme_id, str) or not IDENTIFIER.match(theme_id):
            problems.append(FieldProblem(path, "theme id must be lowercase letters, digits or _"))
        if not isinstance(theme, dict):
            problems.append(FieldProblem(path, "must be a mapping with label and phrases"))
            continue
        label = theme.get("label")
        if not (isinstance(label, str) and label.strip()) and not (
                isinstance(label, dict) and label and all(isinstance(v, str) for v in label.values())):
            problems.append(FieldProblem(f"{path}.label", "must be a string or a mapping of language to string"))
        phrases = theme.get("phrases")
        if isinstance(phrases, list):  # one list for every language
            phrases = {"any": phrases}
        if not isinstance(phrases, dict) or not phrases:
            problems.append(FieldProblem(f"{path}.phrases", "must be a mapping of language to a list of phrases"))
            continue
        for lang, words in phrases.items():
            if not isinstance(lang, str) or not (LANGUAGE_TAG.match(lang) or lang == "any"):
                problems.append(FieldProblem(f"{path}.phrases.{lang}", "is not a language tag such as 'en' "
                                                                       "(or 'any' for every language)"))
            elif not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
                problems.append(FieldProblem(f"{path}.phrases.{lang}", "must be a non-empty list of phrases"))
    return themes


def _changes(problems: list[FieldProblem], data: Any, known: dict[str, set]) -> tuple[ProgramChange, ...]:
    """The ``changes`` section: each a change record (``domain.changes.parse_change``) whose
    segments use the program's own ids (a dimension the program does not list takes any id)."""
    if data is None:
        return ()
    if not isinstance(data, list):
        problems.append(FieldProblem("changes", "must be a list of changes"))
        return ()
    out, seen = [], set()
    for i, item in enumerate(data):
        where = f"changes[{i}]"
        try:
            change = parse_change(item)
        except InvalidInput as error:
            problems.extend(FieldProblem(where if p.field == "(root)" else f"{where}.{p.field}", p.message)
                            for p in error.problems)
            continue
        if change.change_id in seen:
            problems.append(FieldProblem(f"{where}.id", f"{change.change_id} is declared twice"))
        seen.add(change.change_id)
        for dimension, allowed in known.items():
            unknown = [v for v in getattr(change.segments, dimension) if allowed and v not in allowed]
            if unknown:
                words = dimension.replace("_", " ")
                problems.append(FieldProblem(f"{where}.segments.{dimension}",
                                             f"{unknown[0]!r} is not one of the program's {words}"))
        out.append(change)
    return tuple(out)


def parse_program_definition(data: Any) -> Program:
    """Validate a program mapping and return the Program, or raise InvalidInput naming every problem."""
    if not isinstance(data, dict):
        raise InvalidInput(FieldProblem("(root)", "a program definition must be a mapping"))
    problems: list[FieldProblem] = [FieldProblem(str(key), "unknown key")
                                    for key in sorted(set(data) - PROGRAM_KEYS, key=str)]
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append(FieldProblem("version", "must be a whole number of 1 or more"))
    name = data.get("name", "Partner program")
    if not isinstance(name, str) or not name.strip():
        problems.append(FieldProblem("name", "must be a non-empty string"))
        name = "Partner program"
    sender = data.get("sender_name", "Partner Program Team")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_NAME \
            or any(ch in sender for ch in '<>"\r\n@'):
        problems.append(FieldProblem("sender_name", f"must be a plain name of at most {MAX_SENDER_NAME} "
                                                    "characters without < > \" @ or line breaks"))
        sender = "Partner Program Team"
    currency = data.get("revenue_currency", "USD")
    if not isinstance(currency, str) or not CURRENCY.match(currency):
        problems.append(FieldProblem("revenue_currency", "must be a three-letter ISO currency code such as USD"))
        currency = "USD"
    tiers = _choices(problems, data.get("tiers"), "tiers", IDENTIFIER, with_order=True)
    regions = _choices(problems, data.get("regions"), "regions", REGION_ID, with_order=False)
    # required: version, tiers, regions; partner_types and programs are optional (none listed:
    # the partner CSV may use any well-formed type/program, and survey tags are not restricted)
    types = (_choices(problems, data["partner_types"], "partner_types", IDENTIFIER, with_order=False)
             if data.get("partner_types") is not None else ())
    programs = (_choices(problems, data["programs"], "programs", IDENTIFIER, with_order=False)
                if data.get("programs") is not None else ())
    themes = _check_themes(problems, data.get("themes"))
    reasons = _choices(problems, data["closing_reasons"], "closing_reasons", IDENTIFIER, with_order=False) \
        if "closing_reasons" in data else ()
    known = {"tiers": {c.id for c in tiers}, "regions": {c.id for c in regions},
             "partner_types": {c.id for c in types}, "programs": {c.id for c in programs}}
    changes = _changes(problems, data.get("changes"), known)
    event_types = parse_event_types_into(problems, data.get("event_types"), tuple(c.id for c in programs))
    if problems:
        raise InvalidInput(problems, summary=f"program definition has {len(problems)} problem(s)")
    program = Program(version=version, name=name.strip(), sender_name=sender.strip(),
                      revenue_currency=currency, tiers=tiers, regions=regions,
                      partner_types=types, programs=programs, themes=themes, closing_reasons=reasons,
                      changes=changes, event_types=event_types)
    return Program(**{**program.__dict__, "raw": program_to_dict(program)})


def program_to_dict(program: Program) -> dict:
    """Normalised mapping of a program: the stored form, parseable again."""
    def plain(choices: tuple[Choice, ...]) -> list[dict]:
        return [{"id": c.id, "label": c.label} for c in choices]

    out = {"version": program.version, "name": program.name, "sender_name": program.sender_name,
           "revenue_currency": program.revenue_currency,
           "tiers": [{"id": c.id, "label": c.label, "order": c.order} for c in program.tiers],
           "regions": plain(program.regions), "partner_types": plain(program.partner_types),
           "programs": plain(program.programs)}
    if program.themes:
        out["themes"] = program.themes
    if program.closing_reasons:
        out["closing_reasons"] = plain(program.closing_reasons)
    if program.event_types:
        out["event_types"] = [t.to_dict() for t in program.event_types]
    return out


DEFAULT_DEFINITION: dict = {
    "version": 1,
    "name": "Partner program",
    "sender_name": "Partner Program Team",
    "revenue_currency": "USD",
    "tiers": [{"id": "enrolled", "label": "Enrolled", "order": 1},
              {"id": "advanced", "label": "Advanced", "order": 2},
              {"id": "principal", "label": "Principal", "order": 3}],
    "regions": [{"id": "AMER", "label": "Americas"}, {"id": "EMEA", "label": "Europe, Middle East & Africa"},
                {"id": "APJ", "label": "Asia Pacific & Japan"}, {"id": "LATAM", "label": "Latin America"}],
    "partner_types": [{"id": "reseller", "label": "Reseller"},
                      {"id": "service_provider", "label": "Service provider"},
                      {"id": "cloud", "label": "Cloud"}, {"id": "services", "label": "Services"},
                      {"id": "managed_services", "label": "Managed services"}],
    "programs": [{"id": "technical_assessment", "label": "Technical assessment"},
                 {"id": "proof_of_concept", "label": "Proof of concept"},
                 {"id": "partner_to_partner", "label": "Partner-to-partner"},
                 {"id": "partner_connect", "label": "Partner Connect"}],
    "closing_reasons": [{"id": "resolved", "label": "Issue resolved"},
                        {"id": "explained", "label": "Explained; no change possible"},
                        {"id": "escalated", "label": "Escalated to the program team"},
                        {"id": "no_reply", "label": "Partner did not reply"},
                        {"id": "other", "label": "Other (see note)"}],
}
DEFAULT_PROGRAM = parse_program_definition(DEFAULT_DEFINITION)


def catalogue_label(catalogue: dict | None, dimension: str, value) -> str:
    """Label of ``value`` in a :meth:`Program.catalogue` mapping; the value itself when unknown."""
    for entry in (catalogue or {}).get(_dimension(dimension), []):
        if entry["id"] == value:
            return entry["label"]
    return str(value)


def catalogue_sort_key(catalogue: dict | None, dimension: str, reverse: bool = False):
    """Key function ordering values as a catalogue lists them (``reverse``: top tier first); unknown last."""
    ids = [entry["id"] for entry in (catalogue or {}).get(_dimension(dimension), [])]
    if reverse:
        ids.reverse()
    rank = {value: i for i, value in enumerate(ids)}
    return lambda value: (rank.get(value, len(rank)), str(value))
