"""The leadership summary in plain words: what changed, what to fix first, how sure we are.

Everything here reads the published scorecard document (the results snapshot): significant
changes are the comparisons the scorecard already tested (``vs_previous``: NPS and each rating's
top-2-box, Benjamini-Hochberg adjusted), fix-first items are the snapshot's drivers. Nothing is
computed again and nothing suppressed is read: a marker stays a marker. Standard library only.
"""
from __future__ import annotations

MARKER = "suppressed"
VERY_LIKELY_P = 0.01        # adjusted p below this: "very likely a real change"
VERY_LIKELY_FIRST = 0.8     # ranks first in this share of resamples: "very likely the top issue"
LIKELY_FIRST = 0.5
MAX_TIER_CHANGES = 4        # named in the summary; the rest are in the detail


def change_certainty(test: dict) -> str:
    """How sure a published comparison is, in words."""
    if not test.get("significant"):
        return "can't tell yet"
    p = test.get("p_adjusted")
    return "very likely a real change" if isinstance(p, int | float) and p < VERY_LIKELY_P else "likely a real change"


def rank_certainty(rank_first) -> str:
    """How sure we are that a driver is the one to fix first, from its share of first ranks."""
    if not isinstance(rank_first, int | float):
        return "can't tell yet which comes first"
    if rank_first >= VERY_LIKELY_FIRST:
        return "very likely the top issue"
    if rank_first >= LIKELY_FIRST:
        return "likely the top issue"
    return "can't tell yet which comes first"


def short_label(doc: dict, question_id: str) -> str:
    """The survey's short label of a question; without one its topic in words, then its id."""
    for question in doc.get("questions", []):
        if question["id"] == question_id:
            topic = (question.get("topic") or "").replace("_", " ")
            return question.get("short") or (topic[:1].upper() + topic[1:]) or question_id
    return question_id


def full_text(doc: dict, question_id: str) -> str:
    for question in doc.get("questions", []):
        if question["id"] == question_id:
            text = question.get("text")
            if isinstance(text, dict):
                text = text.get("en") or next(iter(text.values()), "")
            return (text or short_label(doc, question_id)).strip()
    return question_id


def _points(difference: float, scale: float) -> int:
    return round(difference * scale)


def cell_changes(doc: dict, cell: dict, scope: str) -> list[dict]:
    """Significant changes of one published cell against the previous wave: NPS, then each
    rating question's top-2-box (in percentage points), largest first."""
    vs = cell.get("vs_previous")
    if cell.get("suppressed") or not isinstance(vs, dict):
        return []
    found = []
    nps = vs.get("nps")
    if isinstance(nps, dict) and nps.get("significant") and _points(nps.get("difference") or 0, 1):
        found.append({"scope": scope, "kind": "nps", "question": None, "label": "NPS", "text": "NPS",
                      "points": _points(nps["difference"], 1), "certainty": change_certainty(nps),
                      "p_adjusted": nps.get("p_adjusted")})
    for qid, test in sorted((vs.get("csat_top2") or {}).items()):
        if isinstance(test, dict) and test.get("significant") and _points(test.get("difference") or 0, 100):
            found.append({"scope": scope, "kind": "question", "question": qid, "label": short_label(doc, qid),
                          "text": full_text(doc, qid), "points": _points(test["difference"], 100),
                          "certainty": change_certainty(test), "p_adjusted": test.get("p_adjusted")})
    return sorted(found, key=lambda c: (c["kind"] != "nps", -abs(c["points"]), c["label"]))


def theme_change_items(theme_changes: dict | None, group: str, scope: str) -> list[dict]:
    """Significant theme changes of one group (``all``, ``tier:<id>``) of the snapshot's theme
    comparison, as change items: the theme's share of comments or its negative share, in points."""
    found = []
    for test in (theme_changes or {}).get("tests", []):
        if test["group"] != group or not test.get("significant") or not _points(test["difference"], 100):
            continue
        share = test["measure"] == "share"
        what = f"comments about {test['label']}" if share else f"the negative share of comments about {test['label']}"
        found.append({"scope": scope, "kind": "theme", "question": None, "theme": test["theme"],
                      "measure": test["measure"], "label": test["label"], "what": what,
                      "text": f"{round(100 * test['other'])}% -> {round(100 * test['value'])}%"
                              + (" of comments" if share else " of its comments negative"),
                      "points": _points(test["difference"], 100), "certainty": change_certainty(test),
                      "p_adjusted": test.get("p_adjusted")})
    return sorted(found, key=lambda c: (-abs(c["points"]), c["label"]))


def _what(change: dict) -> str:
    if change["kind"] == "nps":
        return "NPS"
    if change["kind"] == "theme":
        return change["what"]
    return f"satisfaction with {change['label']}"


def change_words(change: dict, previous: str | None = None) -> str:
    """"satisfaction with Incentive payouts fell 8 points (likely a real change)"; a theme change:
    "comments about Incentive payouts rose 19 points (12% -> 31% of comments; ...)"."""
    verb = "rose" if change["points"] > 0 else "fell"
    since = f" since {previous}" if previous else ""
    detail = f"{change['text']}; " if change["kind"] == "theme" else ""
    return f"{_what(change)} {verb} {abs(change['points'])} points{since} ({detail}{change['certainty']})"


def grouped_tier_changes(changes: list[dict]) -> list[str]:
    """Tier changes grouped by what moved: "satisfaction with Partner portal rose in Principal (23
    points, very likely a real change) and Advanced (28 points, ...)"."""
    groups: dict[tuple, list[dict]] = {}
    for change in changes:
        groups.setdefault((change["kind"], change.get("what") or change["label"], change["points"] > 0),
                          []).append(change)
    out = []
    for (kind, label, up), items in groups.items():
        what = "NPS" if kind == "nps" else label if kind == "theme" else f"satisfaction with {label}"
        sure = {c["certainty"] for c in items}
        if len(sure) == 1:  # one certainty for all: said once
            where = _join([f"{c['scope']} ({abs(c['points'])} points)" for c in items])
            out.append(f"{what} {'rose' if up else 'fell'} in {where}, {next(iter(sure))}")
        else:
            where = _join([f"{c['scope']} ({abs(c['points'])} points, {c['certainty']})" for c in items])
            out.append(f"{what} {'rose' if up else 'fell'} in {where}")
    return out


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def summary_sentences(*, respondents: str, nps: dict, previous_label: str | None, overall_changes: list[dict],
                      tier_changes: list[dict], fix_first: dict | None, tier_fix_first: list[dict],
                      top_theme: dict | None, themes_compared: bool = False) -> list[str]:
    """Three to five sentences: the headline, what changed program-wide and per tier, what to fix
    first and how sure we are."""
    sentences = []
    score = f"NPS is {nps['value']}" if nps.get("shown") else "NPS is not shown (too few answers)"
    if previous_label is None:
        sentences.append(f"{score} among {respondents} partner contacts; this is the first wave, so nothing "
                         "can be compared yet.")
    else:
        nps_change = next((c for c in overall_changes if c["kind"] == "nps"), None)
        if nps_change:
            sentences.append(f"{score} among {respondents} partner contacts: "
                             f"{change_words(nps_change, previous_label)}.")
        else:
            sentences.append(f"{score} among {respondents} partner contacts; whether it moved since "
                             f"{previous_label} we can't tell yet (no significant change).")
        questions = [c for c in overall_changes if c["kind"] in ("question", "theme")]
        if questions:
            sentences.append(f"Since {previous_label}, across the program "
                             + _join([change_words(c) for c in questions]) + ".")
        else:
            what = "question's satisfaction or comment theme" if themes_compared else "question's satisfaction"
            sentences.append(f"No {what} changed significantly across the program since {previous_label}.")
        if tier_changes:
            groups = grouped_tier_changes(tier_changes)
            named = groups[:MAX_TIER_CHANGES]
            more = len(groups) - len(named)
            sentences.append("By tier, " + "; ".join(named) + (f"; and {more} more in the detail" if more else "")
                             + ".")
        else:
            sentences.append("No tier changed significantly.")
    if fix_first:
        text = f"Fix first: {fix_first['label']} ({fix_first['certainty']}"
        if fix_first.get("satisfied"):
            text += f"; {fix_first['satisfied']} satisfied"
        text += ")"
        others = [f"{t['tier']} partners: {t['label']}" for t in tier_fix_first if t["label"] != fix_first["label"]]
        sentences.append(text + (f"; it differs for {_join(others)}." if others else ", in every tier we can rank."))
    elif tier_fix_first:
        sentences.append("Fix first: " + _join([f"{t['label']} for {t['tier']} partners ({t['certainty']})"
                                                for t in tier_fix_first]) + ".")
    else:
        sentences.append("What to fix first can't be told yet: too few answers for a reliable ranking.")
    if top_theme and len(sentences) < 5:
        tone = "mixed in tone" if top_theme["sentiment"] == "mixed" else f"mostly {top_theme['sentiment']}"
        sentences.append(f"Partners write most about {top_theme['label']} ({top_theme['comments']} comments, "
                         f"{tone}).")
    return sentences[:5]
