"""Alerts: rules that watch a wave's published results and e-mail their subscribers.

Two kinds of rule, checked against the results snapshot (nothing is computed again, nothing
suppressed is read):

- ``nps_drop``: the NPS of a segment (``segment: {tier: enrolled}``, or ``{}`` for all partners)
  dropped by more than ``points`` against the previous wave, and the scorecard's test calls the
  change significant (Benjamini-Hochberg adjusted, as everywhere else);
- ``theme_growth``: a comment theme's share of the comments grew by at least ``points`` percentage
  points against the previous wave, significantly in the snapshot's theme comparison (partner-clustered,
  Benjamini-Hochberg; snapshots without one compare the comment summaries' shares), or a theme with
  at least ``min_comments`` comments appears that the previous wave did not have.

Rules come from ``PULSE_ALERT_RULES`` (JSON list); a bad rule is refused naming its field. An alert
goes to each subscriber at most once per rule, wave and ISO week of ``now`` (the outbox/SES key
says so), so an hourly check mails a condition once a week while it lasts.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.domain.errors import FieldProblem, InvalidInput

KINDS = ("nps_drop", "theme_growth")
RULE_ID = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")
ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
SEGMENT_DIMENSIONS = ("tier", "region", "program", "partner_type")
MARKER = "suppressed"


@dataclass(frozen=True)
class AlertRule:
    id: str
    kind: str
    points: float
    subscribers: tuple[str, ...]
    segment: dict = field(default_factory=dict)
    min_comments: int = 10

    def describe(self) -> str:
        where = ", ".join(f"{k} {v}" for k, v in self.segment.items()) or "all partners"
        if self.kind == "nps_drop":
            return f"NPS of {where} drops by more than {self.points:g} points, significantly"
        return f"a comment theme grows by {self.points:g} points or more, or a new one appears"


def parse_rules(text: str | None) -> list[AlertRule]:
    """Rules from JSON text (``PULSE_ALERT_RULES``); every problem names its field."""
    if not text or not text.strip():
        return []
    try:
        data = json.loads(text)
    except ValueError:
        raise InvalidInput(FieldProblem("PULSE_ALERT_RULES", "must be a JSON list of rules")) from None
    if not isinstance(data, list):
        raise InvalidInput(FieldProblem("PULSE_ALERT_RULES", "must be a JSON list of rules"))
    problems, rules, seen = [], [], set()
    for i, raw in enumerate(data):
        path = f"PULSE_ALERT_RULES[{i}]"
        if not isinstance(raw, dict):
            problems.append(FieldProblem(path, "must be an object"))
            continue
        unknown = set(raw) - {"id", "kind", "points", "subscribers", "segment", "min_comments"}
        problems += [FieldProblem(f"{path}.{k}", "unknown key") for k in sorted(unknown)]
        rule_id, kind, points = raw.get("id"), raw.get("kind"), raw.get("points")
        if not isinstance(rule_id, str) or not RULE_ID.match(rule_id) or rule_id in seen:
            problems.append(FieldProblem(f"{path}.id", "must be a unique lowercase name such as 'enrolled_nps'"))
        seen.add(rule_id)
        if kind not in KINDS:
            problems.append(FieldProblem(f"{path}.kind", f"must be one of {', '.join(KINDS)}"))
        if isinstance(points, bool) or not isinstance(points, int | float) or not 0 < points <= 200:
            problems.append(FieldProblem(f"{path}.points", "must be a number of points above 0"))
        subscribers = raw.get("subscribers")
        if not isinstance(subscribers, list) or not subscribers or not all(
                isinstance(s, str) and len(s) <= 254 and ADDRESS.match(s) for s in subscribers):
            problems.append(FieldProblem(f"{path}.subscribers", "must be a list of e-mail addresses"))
        segment = raw.get("segment", {})
        if not isinstance(segment, dict) or len(segment) > 1 or not all(
                k in SEGMENT_DIMENSIONS and isinstance(v, str) and v for k, v in segment.items()):
            problems.append(FieldProblem(f"{path}.segment", "must be {} or one of " + ", ".join(SEGMENT_DIMENSIONS)
                                         + ' with a value, e.g. {"tier": "enrolled"}'))
        minimum = raw.get("min_comments", 10)
        if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
            problems.append(FieldProblem(f"{path}.min_comments", "must be a whole number of 1 or more"))
        if not problems:
            rules.append(AlertRule(rule_id, kind, float(points), tuple(subscribers), dict(segment), minimum))
    if problems:
        raise InvalidInput(problems, summary=f"alert rules have {len(problems)} problem(s)")
    return rules


def _cell(doc: dict, segment: dict) -> dict | None:
    if not segment:
        return doc.get("overall")
    (dim, value), = segment.items()
    for item in doc.get("breakdowns", []):
        if item["by"] == [dim]:
            return next((c for c in item["cells"] if str(c["segment"].get(dim)) == value), None)
    return None


def _theme_shares(summary: dict | None) -> tuple[int, dict[str, int]]:
    """(comments, {theme: count}) of the comment summary's whole program (tiers added up)."""
    total, counts = 0, {}
    for cell in (summary or {}).get("tier", []):
        if cell.get("suppressed") or not isinstance(cell.get("comments"), int):
            continue
        total += cell["comments"]
        for theme, value in (cell.get("themes") or {}).items():
            if isinstance(value, dict):
                counts[theme] = counts.get(theme, 0) + int(value["count"])
    return total, counts


def _significant_growth(rule: AlertRule, theme_changes: dict) -> list[str]:
    """Themes whose share of all comments grew significantly by at least ``points`` (the snapshot's
    theme comparison, Benjamini-Hochberg adjusted with the rest of its family)."""
    found = []
    for test in theme_changes.get("tests", []):
        if (test["group"] == "all" and test["measure"] == "share" and test.get("significant")
                and 100 * test["difference"] >= rule.points):
            found.append(f"{test['label']} grew from {100 * test['other']:.0f}% to {100 * test['value']:.0f}% of "
                         "comments (significant after Benjamini-Hochberg correction)")
    return found


def triggered(rule: AlertRule, doc: dict, summary: dict | None = None, previous_summary: dict | None = None,
              theme_labels: dict | None = None, theme_changes: dict | None = None) -> list[str]:
    """What the rule finds in the wave's published results, in words ([] when nothing). ``theme_growth``
    uses the snapshot's tested theme comparison when it has one (``theme_changes``); new themes, and
    snapshots without a comparison, use the share difference of the comment summaries."""
    previous = doc.get("previous_wave")
    if previous is None:
        return []
    if rule.kind == "nps_drop":
        cell = _cell(doc, rule.segment)
        vs = (cell or {}).get("vs_previous") if cell and not cell.get("suppressed") else None
        nps = vs.get("nps") if isinstance(vs, dict) else None
        if isinstance(nps, dict) and nps.get("significant") and (nps.get("difference") or 0) < -rule.points:
            where = ", ".join(f"{k} {v}" for k, v in rule.segment.items()) or "all partners"
            return [f"NPS of {where} fell {abs(nps['difference']):.1f} points since {previous} "
                    f"(from {nps.get('other')}; significant after Benjamini-Hochberg correction)"]
        return []
    tested = bool((theme_changes or {}).get("compared"))
    if previous_summary is None:
        return _significant_growth(rule, theme_changes) if tested else []
    labels = theme_labels or {}
    now_total, now_counts = _theme_shares(summary)
    then_total, then_counts = _theme_shares(previous_summary)
    if not now_total or not then_total:
        return []
    found = _significant_growth(rule, theme_changes) if tested else []
    for theme, count in sorted(now_counts.items(), key=lambda kv: -kv[1]):
        share, before = 100 * count / now_total, 100 * then_counts.get(theme, 0) / then_total
        name = labels.get(theme, theme.replace("_", " "))
        if theme not in then_counts and count >= rule.min_comments:
            found.append(f"new theme: {name} ({count} comments, {share:.0f}% of comments)")
        elif share - before >= rule.points and not tested:
            found.append(f"{name} grew from {before:.0f}% to {share:.0f}% of comments")
    return found


def alert_key(rule: AlertRule, wave_id: str, recipient: str, now: datetime) -> str:
    year, week, _ = now.isocalendar()
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{wave_id}/{rule.id}/{recipient}")
    return f"alerts/{safe}.{year}-W{week:02d}"


def alert_text(rule: AlertRule, wave_label: str, findings: list[str], link: str) -> tuple[str, str]:
    """(subject, plain-text body) of one alert."""
    more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    subject = f"Partner Pulse alert, {wave_label}: {findings[0].split(' since ')[0]}{more}"
    body = (f"Your alert \u201c{rule.describe()}\u201d found, in {wave_label}:\n\n"
            + "".join(f"- {f}\n" for f in findings)
            + f"\nSee the overview: {link}\n\nYou get this because you subscribe to the rule "
              f"\u201c{rule.id}\u201d. At most one message per rule and week while the condition lasts.\n")
    return " ".join(subject.split())[:200], body


def check_alerts(rules: list[AlertRule], doc: dict, mailer, sender: str, base_url: str, now: datetime,
                 summary: dict | None = None, previous_summary: dict | None = None,
                 theme_labels: dict | None = None, claim=None, theme_changes: dict | None = None) -> list[dict]:
    """Evaluate every rule on a wave's scorecard (and comment summaries) and mail each finding's
    subscribers; returns what was sent ({rule, recipient, key, subject}). ``claim(key)``, when
    given, must answer True before a message is sent (False: sent this week already)."""
    from chalicelib.mail.mailer import OutgoingMail

    from .followup_notices import _message

    wave = doc.get("wave") or {}
    wave_id, label = wave.get("id", ""), wave.get("title") or wave.get("id", "")
    sent = []
    for rule in rules:
        findings = triggered(rule, doc, summary, previous_summary, theme_labels, theme_changes)
        if not findings:
            continue
        query = "&".join(f"{k}={v}" for k, v in rule.segment.items())
        subject, body = alert_text(rule, label, findings, f"{base_url}/staff?wave={wave_id}"
                                   + (f"&{query}" if query else "") + "#h-changed")
        for recipient in rule.subscribers:
            key = alert_key(rule, wave_id, recipient, now)
            if claim is not None and not claim(key):
                continue
            mailer.send(OutgoingMail(key, recipient, _message(sender, recipient, subject, body, now)))
            sent.append({"rule": rule.id, "recipient": recipient, "key": key, "subject": subject, "text": body})
    return sent
