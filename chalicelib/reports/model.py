"""The report model: display-ready values built from the report inputs (a plain dict).

Input (``build_report_model``): ``{"scorecard": <pulse.scorecard/1>, "comments": {question id:
summary} | None, "revenue": {"overall": {...}, "tier": {...}}, "snapshot": {"version", "built_at"}}``,
as read from the wave's results snapshot by ``chalicelib.services.reporting.report_inputs``.
Suppressed values arrive as the marker string and stay hidden: the model never reads a number
next to a marker, so no template can show one.
Standard library only.
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.program import catalogue_label, catalogue_sort_key

MARKER = "suppressed"
HIDDEN = "not shown"  # the wording a reader sees for a suppressed value
TOP_THEMES = 3
QUOTES_PER_THEME = 2
QUOTE_MAX_CHARS = 240
TOP_DRIVERS = 3


@dataclass(frozen=True)
class FollowUpStatus:
    """Counts of detractor follow-ups; ``available`` is False until a follow-up store exists."""

    available: bool = False
    open: int = 0
    overdue: int = 0
    closed: int = 0


def _shown(value) -> bool:
    return value is not None and value != MARKER


def signed(value: float | None) -> str:
    """NPS-style whole number with a sign: +32, -5, 0."""
    if value is None:
        return HIDDEN
    number = round(value)
    return f"+{number}" if number > 0 else str(number)


def percent(share: float | None) -> str:
    return HIDDEN if share is None else f"{share * 100:.0f}%"


def nps_text(estimate) -> dict:
    """{"value": "+32", "interval": "+25 to +39", "shown": True} or the hidden form."""
    if not isinstance(estimate, dict) or estimate.get("value") is None:
        return {"shown": False, "value": HIDDEN, "interval": ""}
    return {"shown": True, "value": signed(estimate["value"]),
            "interval": f"{signed(estimate['ci_low'])} to {signed(estimate['ci_high'])}",
            "raw": (estimate["value"], estimate["ci_low"], estimate["ci_high"])}


def _question_label(doc: dict, question_id: str) -> str:
    for question in doc.get("questions", []):
        if question["id"] == question_id:
            text = question.get("text")
            if isinstance(text, dict):
                text = text.get("en") or next(iter(text.values()), "")
            topic = (question.get("topic") or "").replace("_", " ")
            return (text or topic or question_id).strip()
    return question_id


def _change(test, previous_wave: str | None) -> dict | None:
    """A change against the previous wave, only when it is significant."""
    if not isinstance(test, dict) or not isinstance(test.get("nps"), dict):
        return None
    nps = test["nps"]
    if not nps.get("significant") or nps.get("difference") is None:
        return None
    difference = round(nps["difference"])
    if difference == 0:
        return None
    direction = "up" if difference > 0 else "down"
    return {"difference": difference, "previous": nps.get("other"),
            "text": f"{direction} {abs(difference)} points since {previous_wave}"}


def _segment_row(cell: dict, label: str, previous_wave, revenue_share=None) -> dict:
    hidden = bool(cell.get("suppressed"))
    if hidden:
        return {"label": label, "suppressed": True, "respondents": HIDDEN, "response_rate": HIDDEN,
                "nps": nps_text(None), "nps_partner": nps_text(None), "nps_revenue": nps_text(None),
                "revenue_share": HIDDEN, "change": None, "previous_nps": None}
    rate = cell.get("response_rate")
    return {"label": label, "suppressed": False, "respondents": str(cell["respondents"]),
            "response_rate": percent(rate) if _shown(rate) else HIDDEN,
            "nps": nps_text(cell.get("nps")), "nps_partner": nps_text(cell.get("nps_partner")),
            "nps_revenue": nps_text(cell.get("nps_revenue_weighted")),
            "revenue_share": percent(revenue_share) if revenue_share is not None else HIDDEN,
            "change": _change(cell.get("vs_previous"), previous_wave),
            "previous_nps": _previous_value(cell.get("vs_previous"))}


def _previous_value(test) -> float | None:
    if isinstance(test, dict) and isinstance(test.get("nps"), dict):
        return test["nps"].get("other")
    return None


TIER_ORDER = ("principal", "advanced", "enrolled")  # top tier first; unknown tiers after, by name


def _breakdown(doc: dict, dimension: str) -> list[dict]:
    for breakdown in doc.get("breakdowns", []):
        if breakdown["by"] == [dimension]:
            cells = breakdown["cells"]
            if dimension == "tier" and doc.get("program"):  # the applied program's order, top tier first
                key = catalogue_sort_key(doc["program"], "tier", reverse=True)
                cells = sorted(cells, key=lambda cell: key(cell["segment"]["tier"]))
            elif dimension == "tier":
                def rank(cell):
                    tier = cell["segment"]["tier"]
                    return (TIER_ORDER.index(tier) if tier in TIER_ORDER else len(TIER_ORDER), str(tier))
                cells = sorted(cells, key=rank)
            return cells
    return []


def _sentiment_word(polarity) -> str:
    if polarity is None:
        return "mixed"
    if polarity >= 0.15:
        return "positive"
    if polarity <= -0.05:
        return "negative"
    return "mixed"


def _quote(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= QUOTE_MAX_CHARS else text[:QUOTE_MAX_CHARS - 1].rstrip() + "…"


def _tone(negative: int, positive: int, comments: int) -> str:
    """The tone of a theme from its comments' labels (the dashboard's labels, not a mean polarity):
    positive or negative when that label holds a majority, else mixed."""
    if comments and negative * 2 > comments:
        return "negative"
    if comments and positive * 2 > comments:
        return "positive"
    return "mixed"


def themes_for(comments: dict | None, tier: str, comment_threshold: int) -> dict:
    """Top themes of one tier across every text question; suppressed segments add nothing.

    Quotes come only from a question's theme with at least ``comment_threshold`` comments in the
    tier (adding questions up does not make a small group quotable), so no quote stands for a
    handful of identifiable partners. The tone comes from the comments' sentiment labels.
    """
    merged: dict[str, dict] = {}
    seen = False
    for summary in (comments or {}).values():
        for segment in summary.get("segments", []):
            if segment.get("segment") != tier or segment.get("suppressed"):
                continue
            seen = True
            for theme in segment.get("themes") or []:
                entry = merged.setdefault(theme["theme"], {"label": theme["label"], "comments": 0,
                                                           "weighted": 0.0, "scored": 0, "examples": [],
                                                           "negative": 0, "positive": 0})
                entry["comments"] += theme["comments"]
                entry["negative"] += int(theme.get("negative") or 0)
                entry["positive"] += int(theme.get("positive") or 0)
                if theme.get("mean_polarity") is not None:
                    entry["weighted"] += theme["mean_polarity"] * theme["comments"]
                    entry["scored"] += theme["comments"]
                if theme["comments"] >= comment_threshold:
                    entry["examples"].extend(theme.get("examples") or [])
    if not seen:
        return {"suppressed": True, "themes": []}
    ranked = sorted(merged.values(), key=lambda t: (-t["comments"], t["label"]))[:TOP_THEMES]
    themes = []
    for theme in ranked:
        polarity = theme["weighted"] / theme["scored"] if theme["scored"] else None
        quotes = []
        for example in theme["examples"]:
            quote = _quote(example)
            if quote and quote not in quotes:
                quotes.append(quote)
            if len(quotes) == QUOTES_PER_THEME:
                break
        themes.append({"label": theme["label"], "comments": theme["comments"],
                       "polarity": None if polarity is None else round(polarity, 2),
                       "negative": theme["negative"], "positive": theme["positive"],
                       "sentiment": _tone(theme["negative"], theme["positive"], theme["comments"]),
                       "quotes": quotes})
    return {"suppressed": False, "themes": themes}


def _drivers(doc: dict) -> dict[str, dict]:
    out = {}
    for entry in doc.get("drivers", []):
        tier = entry.get("segment", {}).get("tier")
        if tier is None:
            continue
        if entry.get("status") != "ok":
            out[tier] = {"available": False, "items": []}
            continue
        items = [{"label": _question_label(doc, row["question"]),
                  "importance": percent(row["importance"]),
                  "satisfied": percent(row["performance_top2"]) if row.get("performance_top2") is not None
                  else HIDDEN,
                  "ranks_first": percent(row["rank_first"]) if row.get("rank_first") is not None else None}
                 for row in entry.get("fix_first", [])[:TOP_DRIVERS]]
        out[tier] = {"available": bool(items), "items": items}
    return out


def build_report_model(inputs: dict, *, period: str, generated_on: str,
                       followups: FollowUpStatus | None = None, comment_threshold: int = 8) -> dict:
    """Everything the templates and charts show, already formatted and suppression-safe."""
    doc = inputs["scorecard"]
    comments = inputs.get("comments")
    revenue = inputs.get("revenue") or {}
    previous = doc.get("previous_wave")
    threshold = doc["suppression"]["threshold"]
    overall = doc["overall"]
    overall_row = _segment_row(overall, "All partners", previous, revenue.get("overall"))
    catalogue = doc.get("program")  # the applied program's labels (ids when absent)
    tiers = [{**_segment_row(c, catalogue_label(catalogue, "tier", c["segment"]["tier"]), previous,
                             (revenue.get("tier") or {}).get(c["segment"]["tier"])), "id": c["segment"]["tier"]}
             for c in _breakdown(doc, "tier")]
    regions = [_segment_row(c, catalogue_label(catalogue, "region", c["segment"]["region"]), previous)
               for c in _breakdown(doc, "region")]
    drivers = _drivers(doc)
    per_tier = []
    for row in tiers:
        tier = row["id"]
        if row["suppressed"]:
            per_tier.append({"tier": row["label"], "id": tier, "suppressed": True, "themes": [], "drivers": None})
            continue
        themes = themes_for(comments, tier, comment_threshold)
        per_tier.append({"tier": row["label"], "id": tier, "suppressed": False,
                         "themes_suppressed": themes["suppressed"], "themes": themes["themes"],
                         "drivers": drivers.get(tier, {"available": False, "items": []})})
    headline_nps = overall_row["nps"]
    change = overall_row["change"]
    if previous is None:
        change_text = "First wave: nothing to compare with."
    elif change:
        change_text = f"NPS {change['text']} (significant)."
    else:
        change_text = f"No significant change in NPS since {previous}."
    followups = followups or FollowUpStatus()
    charts = {
        "nps_by_tier": [(r["label"], *r["nps"]["raw"]) for r in tiers if r["nps"]["shown"]],
        "wave_over_wave": [(r["label"], r["previous_nps"], r["nps"]["raw"][0], r["change"] is not None)
                           for r in [overall_row, *tiers] if r["nps"]["shown"] and r["previous_nps"] is not None],
        "theme_sentiment": [(f"{t['tier']}: {theme['label']}", theme["polarity"])
                            for t in per_tier if not t["suppressed"] for theme in t["themes"]
                            if theme["polarity"] is not None],
    }
    return {
        "wave_id": doc["wave"]["id"], "previous_wave": previous, "period": period,
        "final": period == "final", "generated_on": generated_on,
        "headline": {"respondents": overall_row["respondents"], "response_rate": overall_row["response_rate"],
                     "invited": str(overall["invited"]) if overall.get("invited") else HIDDEN,
                     "nps": headline_nps, "change": change_text,
                     "revenue_share": overall_row["revenue_share"],
                     "weighted_nps": nps_text((overall.get("weighted") or {}).get("nps")
                                              if isinstance(overall.get("weighted"), dict) else None)},
        "snapshot": inputs.get("snapshot"),
        "overall": overall_row, "tiers": tiers, "regions": regions, "per_tier": per_tier,
        "followups": followups,
        "methodology": {"threshold": threshold, "comment_threshold": comment_threshold,
                        "alpha": doc.get("tests", {}).get("alpha", 0.05),
                        "correction": doc.get("tests", {}).get("correction", "benjamini-hochberg")},
        "charts": charts,
    }
