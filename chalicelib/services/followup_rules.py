"""Which responses need a follow-up: rules per program (survey), standard library only.

Default: every detractor (NPS 0-6) and every passive (7-8) with a strongly negative comment;
a promoter (9-10) is never flagged for the tone of a comment. ``PULSE_FOLLOWUP_RULES`` (JSON)
overrides the default per survey id, e.g.
``{"default": {"passives_with_negative_comment": false}, "px": {"detractor_max": 5}}``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace

from chalicelib.domain.errors import FieldProblem, InvalidInput


@dataclass(frozen=True)
class FollowupRules:
    detractor_max: int = 6                       # NPS at or below: "detractor"
    passives_with_negative_comment: bool = True  # 7-8 with a strongly negative comment
    promoters_with_negative_comment: bool = False
    passive_max: int = 8

    def reasons(self, nps: int | None, negative_comment: bool) -> list[str]:
        """Why a response with this score and comment tone needs a follow-up ([] when it does not)."""
        reasons = []
        if isinstance(nps, int) and nps <= self.detractor_max:
            reasons.append("detractor")
            if negative_comment:
                reasons.append("negative_comment")
            return reasons
        if negative_comment:
            promoter = isinstance(nps, int) and nps > self.passive_max
            if (promoter and self.promoters_with_negative_comment) or \
                    (not promoter and self.passives_with_negative_comment):
                reasons.append("negative_comment")
        return reasons


DEFAULT_RULES = FollowupRules()


def _rules_from(base: FollowupRules, raw, where: str) -> FollowupRules:
    if not isinstance(raw, dict):
        raise InvalidInput(FieldProblem(where, "must be an object of rule settings"))
    known = {f.name: f.type for f in fields(FollowupRules)}
    changes = {}
    for name, value in raw.items():
        if name not in known:
            raise InvalidInput(FieldProblem(f"{where}.{name}", f"unknown rule; rules are {', '.join(known)}"))
        wanted = bool if known[name] == "bool" else int
        if type(value) is not wanted or (wanted is int and not 0 <= value <= 10):
            raise InvalidInput(FieldProblem(f"{where}.{name}", "must be true/false" if wanted is bool
                                            else "must be a whole number 0-10"))
        changes[name] = value
    return replace(base, **changes)


def parse_rules(text: str | None) -> dict[str, FollowupRules]:
    """``{"default": rules, survey_id: rules}`` from the JSON setting (empty: the default only)."""
    if not text or not text.strip():
        return {"default": DEFAULT_RULES}
    try:
        data = json.loads(text)
    except ValueError:
        raise InvalidInput(FieldProblem("PULSE_FOLLOWUP_RULES", "is not valid JSON")) from None
    if not isinstance(data, dict):
        raise InvalidInput(FieldProblem("PULSE_FOLLOWUP_RULES", "must be a JSON object keyed by survey id"))
    default = _rules_from(DEFAULT_RULES, data.get("default", {}), "PULSE_FOLLOWUP_RULES.default")
    out = {"default": default}
    for key, raw in data.items():
        if key != "default":
            out[str(key)] = _rules_from(default, raw, f"PULSE_FOLLOWUP_RULES.{key}")
    return out


def rules_for(rules: dict[str, FollowupRules] | None, survey_id: str | None) -> FollowupRules:
    """The rules of one program (survey id), falling back to the default."""
    rules = rules or {}
    return rules.get(survey_id or "", rules.get("default", DEFAULT_RULES))
