"""The report model: display-ready values built from the report inputs (a plain dict).

Input (``build_report_model``): ``{"scorecard": <pulse.scorecard/1>, "comments": {question id:
summary} | None, "revenue": {"overall": {...}, "tier": {...}}, "snapshot": {"version", "built_at"}}``,
as read from the wave's results snapshot by ``chalicelib.services.reporting.report_inputs``.
Suppressed values arrive as the marker string and stay hidden: the model never reads a number
next to a marker, so no template can show one.
Standard library only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

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
    in_progress: int = 0  # counted apart from open, as the dashboard's follow-up page counts them
    closed_by_reason: tuple = field(default=())  # ((reason label, count), ...), most frequent first


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


def _summary_cell(summary: dict | None, tier: str) -> dict | None:
    """The dashboard's comment summary cell of one tier (``comment_summary:all``), if any."""
    for cell in (summary or {}).get("tier", []):
        if str(cell.get("segment")) == tier:
            return cell
    return None


def themes_for(comments: dict | None, tier: str, comment_threshold: int, summary: dict | None = None,
               translator=None) -> dict:
    """Top themes of one tier across every text question; suppressed segments add nothing.

    Counts and tone come from the dashboard's comment summary (``summary``: the snapshot's
    ``comment_summary:all``) when given, so the report and the overview print the same numbers;
    without it, from the per-question themes added up. Quotes come only from a question's theme
    with at least ``comment_threshold`` comments in the tier (adding questions up does not make a
    small group quotable), so no quote stands for a handful of identifiable partners, and each
    quote's sentiment label matches the tone stated for its theme (``reports.quotes``).
    """
    from .quotes import choose_quotes, present_quote

    merged: dict[str, dict] = {}
    seen = False
    for per_question in (comments or {}).values():
        for segment in per_question.get("segments", []):
            if segment.get("segment") != tier or segment.get("suppressed"):
                continue
            seen = True
            for theme in segment.get("themes") or []:
                entry = merged.setdefault(theme["theme"], {"id": theme["theme"], "label": theme["label"],
                                                           "comments": 0, "weighted": 0.0, "scored": 0,
                                                           "candidates": [], "negative": 0, "positive": 0})
                entry["comments"] += theme["comments"]
                entry["negative"] += int(theme.get("negative") or 0)
                entry["positive"] += int(theme.get("positive") or 0)
                if theme.get("mean_polarity") is not None:
                    entry["weighted"] += theme["mean_polarity"] * theme["comments"]
                    entry["scored"] += theme["comments"]
                if theme["comments"] >= comment_threshold:
                    entry["candidates"].extend(theme.get("quotes") or
                                               [{"text": t, "label": None} for t in theme.get("examples") or []])
    cell = _summary_cell(summary, tier)
    if cell is not None:  # the overview's counts: one number everywhere
        if cell.get("suppressed"):
            return {"suppressed": True, "themes": []}
        counted = {}
        for theme_id, value in (cell.get("themes") or {}).items():
            if not isinstance(value, dict):
                continue
            mix = value.get("labels") or {}
            base = merged.get(theme_id, {"id": theme_id, "label": (summary.get("theme_labels") or {}).get(
                theme_id, theme_id.replace("_", " ").capitalize()), "weighted": 0.0, "scored": 0, "candidates": []})
            counted[theme_id] = {**base, "comments": int(value["count"]), "negative": int(mix.get("negative", 0)),
                                 "positive": int(mix.get("positive", 0))}
        merged, seen = counted, True
    if not seen:
        return {"suppressed": True, "themes": []}
    ranked = sorted(merged.values(), key=lambda t: (-t["comments"], t["label"]))[:TOP_THEMES]
    themes = []
    for theme in ranked:
        polarity = theme["weighted"] / theme["scored"] if theme["scored"] else None
        tone = _tone(theme["negative"], theme["positive"], theme["comments"])
        quotes = [present_quote(c, translator, _quote) for c in choose_quotes(theme["candidates"], tone,
                                                                               QUOTES_PER_THEME)]
        themes.append({"id": theme["id"], "label": theme["label"], "comments": theme["comments"],
                       "polarity": None if polarity is None else round(polarity, 2),
                       "negative": theme["negative"], "positive": theme["positive"],
                       "sentiment": tone, "quotes": quotes})
    return {"suppressed": False, "themes": themes}


def _drivers(doc: dict) -> dict:
    """Fix-first items per driver segment (``"all"`` for the whole program, else the tier id), with
    the survey's short labels and the ranking's certainty in words."""
    from .summary import full_text, rank_certainty, short_label

    out = {}
    for entry in doc.get("drivers", []):
        segment = entry.get("segment") or {}
        if set(segment) - {"tier"}:
            continue
        key = segment.get("tier", "all")
        if entry.get("status") != "ok":
            out[key] = {"available": False, "items": [], "n": entry.get("n")}
            continue
        items = [{"label": short_label(doc, row["question"]), "text": full_text(doc, row["question"]),
                  "question": row["question"],
                  "importance": percent(row["importance"]),
                  "satisfied": percent(row["performance_top2"]) if row.get("performance_top2") is not None
                  else HIDDEN,
                  "ranks_first": percent(row["rank_first"]) if row.get("rank_first") is not None else None,
                  "certainty": rank_certainty(row.get("rank_first"))}
                 for row in entry.get("fix_first", [])[:TOP_DRIVERS]]
        out[key] = {"available": bool(items), "items": items, "n": entry.get("n")}
    return out


def build_report_model(inputs: dict, *, period: str, generated_on: str,
                       followups: FollowUpStatus | None = None, comment_threshold: int = 8,
                       translator=None) -> dict:
    """Everything the templates and charts show, already formatted and suppression-safe.

    ``inputs`` may carry ``comment_summary`` (the snapshot's ``comment_summary:all`` with its
    ``theme_labels``), ``wave_title`` and ``previous_title`` (how the survey names the waves);
    ``translator`` translates quotes in other languages (``reports.translation``)."""
    from .plans import plans_model
    from .summary import cell_changes, summary_sentences, theme_change_items

    doc = inputs["scorecard"]
    comments = inputs.get("comments")
    summary = inputs.get("comment_summary")
    revenue = inputs.get("revenue") or {}
    previous = doc.get("previous_wave")
    wave_label = inputs.get("wave_title") or (doc.get("wave") or {}).get("title") or doc["wave"]["id"]
    previous_label = (inputs.get("previous_title") or previous) if previous else None
    threshold = doc["suppression"]["threshold"]
    overall = doc["overall"]
    overall_row = _segment_row(overall, "All partners", previous_label, revenue.get("overall"))
    catalogue = doc.get("program")  # the applied program's labels (ids when absent)
    tier_cells = _breakdown(doc, "tier")
    tiers = [{**_segment_row(c, catalogue_label(catalogue, "tier", c["segment"]["tier"]), previous_label,
                             (revenue.get("tier") or {}).get(c["segment"]["tier"])), "id": c["segment"]["tier"]}
             for c in tier_cells]
    regions = [_segment_row(c, catalogue_label(catalogue, "region", c["segment"]["region"]), previous_label)
               for c in _breakdown(doc, "region")]
    drivers = _drivers(doc)
    per_tier = []
    for row in tiers:
        tier = row["id"]
        if row["suppressed"]:
            per_tier.append({"tier": row["label"], "id": tier, "suppressed": True, "themes": [], "drivers": None})
            continue
        themes = themes_for(comments, tier, comment_threshold, summary, translator)
        per_tier.append({"tier": row["label"], "id": tier, "suppressed": False,
                         "themes_suppressed": themes["suppressed"], "themes": themes["themes"],
                         "drivers": drivers.get(tier, {"available": False, "items": []})})
    theme_changes = inputs.get("theme_changes") or {}
    overall_changes = cell_changes(doc, overall, "All partners") + theme_change_items(theme_changes, "all",
                                                                                      "All partners")
    tier_changes = [c for cell, row in zip(tier_cells, tiers, strict=True)
                    for c in cell_changes(doc, cell, row["label"])
                    + theme_change_items(theme_changes, f"tier:{row['id']}", row["label"])]
    program_drivers = drivers.get("all") or {}
    fix_first = program_drivers["items"][0] if program_drivers.get("available") else None
    tier_fix_first = [{"tier": t["tier"], **t["drivers"]["items"][0]} for t in per_tier
                      if not t["suppressed"] and (t["drivers"] or {}).get("available")]
    all_themes = sorted((theme for t in per_tier for theme in t["themes"]), key=lambda th: -th["comments"])
    headline_nps = overall_row["nps"]
    change = overall_row["change"]
    if previous is None:
        change_text = "First wave: nothing to compare with."
    elif change:
        change_text = f"NPS {change['text']} (significant)."
    else:
        change_text = f"No significant change in NPS since {previous_label}."
    sentences = summary_sentences(
        respondents=overall_row["respondents"], nps=headline_nps, previous_label=previous_label,
        overall_changes=overall_changes, tier_changes=tier_changes, fix_first=fix_first,
        tier_fix_first=tier_fix_first, top_theme=all_themes[0] if all_themes else None,
        themes_compared=bool(theme_changes.get("compared")))
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
        "wave_id": doc["wave"]["id"], "wave_label": wave_label, "previous_wave": previous,
        "previous_label": previous_label, "period": period,
        "final": period == "final", "generated_on": generated_on,
        "summary": sentences,
        "changes": {"overall": overall_changes, "tiers": tier_changes,
                    "themes_compared": bool(theme_changes.get("compared"))},
        "fix_first": {"program": program_drivers, "tiers": tier_fix_first},
        "headline": {"respondents": overall_row["respondents"], "response_rate": overall_row["response_rate"],
                     "invited": str(overall["invited"]) if overall.get("invited") else HIDDEN,
                     "nps": headline_nps, "change": change_text,
                     "revenue_share": overall_row["revenue_share"],
                     "weighted_nps": nps_text((overall.get("weighted") or {}).get("nps")
                                              if isinstance(overall.get("weighted"), dict) else None)},
        "snapshot": inputs.get("snapshot"),
        "overall": overall_row, "tiers": tiers, "regions": regions, "per_tier": per_tier,
        "followups": followups,
        "plans": plans_model(inputs.get("plans")),
        "methodology": {"threshold": threshold, "comment_threshold": comment_threshold,
                        "alpha": doc.get("tests", {}).get("alpha", 0.05),
                        "correction": doc.get("tests", {}).get("correction", "benjamini-hochberg")},
        "charts": charts,
        # issue 27: one line per event type of the transactional pulses (services/pulse_view.report_moments)
        "moments": [m for m in inputs.get("moments") or [] if "label" in m],
        "moments_link": next((m["link"] for m in inputs.get("moments") or [] if "link" in m), None),
    }
