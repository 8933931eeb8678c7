"""View models of the dashboard: the numbers and charts each page shows, from snapshot data.

Pure functions over the documents of ``services.results`` (no HTTP, no storage).
"""
from __future__ import annotations

from chalicelib.domain.program import catalogue_label, catalogue_sort_key
from chalicelib.services.results import MARKER, breakdown

from . import charts


def _est(cell: dict, key: str = "nps") -> dict | None:
    value = cell.get(key)
    return value if isinstance(value, dict) else None


def _label(segment: dict, catalogue: dict | None = None) -> str:
    return " / ".join(catalogue_label(catalogue, k, v) for k, v in segment.items()) or "all partners"


def segment_rows(doc: dict, dim: str) -> list[dict]:
    """Per segment: respondents, response rate, NPS with interval, change vs previous wave."""
    rows = []
    catalogue = doc.get("program")
    cells = breakdown(doc, dim)
    if catalogue:  # the program's order (top tier first), labels instead of ids
        key = catalogue_sort_key(catalogue, dim, reverse=dim == "tier")
        cells = sorted(cells, key=lambda c: key(c["segment"].get(dim)))
    for cell in cells:
        nps = _est(cell)
        vs = cell.get("vs_previous")
        change = vs.get("nps") if isinstance(vs, dict) else None
        rows.append({
            "label": _label(cell["segment"], catalogue), "suppressed": bool(cell.get("suppressed")),
            "respondents": cell.get("respondents"), "invited": cell.get("invited"),
            "response_rate": cell.get("response_rate") if cell.get("response_rate") != MARKER else None,
            "value": nps["value"] if nps else None, "low": nps["ci_low"] if nps else None,
            "high": nps["ci_high"] if nps else None,
            "change": change.get("difference") if change else None,
            "significant": bool(change and change.get("significant")),
            "change_suppressed": vs == MARKER,
        })
    return rows


def overall_row(doc: dict) -> dict:
    cell = doc["overall"]
    nps = _est(cell)
    vs = cell.get("vs_previous")
    change = vs.get("nps") if isinstance(vs, dict) else None
    return {"respondents": cell.get("respondents"), "invited": cell.get("invited"),
            "response_rate": cell.get("response_rate") if cell.get("response_rate") != MARKER else None,
            "value": nps["value"] if nps else None, "low": nps["ci_low"] if nps else None,
            "high": nps["ci_high"] if nps else None, "suppressed": bool(cell.get("suppressed")),
            "change": change.get("difference") if change else None,
            "significant": bool(change and change.get("significant")),
            "weighted": _weighted(cell.get("weighted"))}


def _weighted(headline) -> dict | None:
    """The weighted headline NPS (weights to the invited tier x region mix), None when not published."""
    nps = headline.get("nps") if isinstance(headline, dict) else None
    if not isinstance(nps, dict) or nps.get("value") is None:
        return None
    return {"value": nps["value"], "low": nps.get("ci_low"), "high": nps.get("ci_high"),
            "method": headline.get("method")}


def question_labels(doc: dict) -> dict[str, str]:
    return {q["id"]: (q.get("text") or q["id"]) for q in doc.get("questions", [])}


def short_labels(doc: dict) -> dict[str, str]:
    """Chart labels: a question's topic ("incentives payouts") or, without one, its id."""
    return {q["id"]: (q.get("topic") or q.get("program") or q["id"]).replace("_", " ")
            for q in doc.get("questions", [])}


def driver_panels(doc: dict) -> list[dict]:
    """One fix-first quadrant per segment of the drivers list (overall, then tier, region, program)."""
    labels, texts = short_labels(doc), question_labels(doc)
    panels = []
    for i, entry in enumerate(doc.get("drivers", [])):
        name = _label(entry.get("segment") or {})
        rows = [{"label": _short(labels.get(r["question"], r["question"])), "question": r["question"],
                 "text": texts.get(r["question"], r["question"]),
                 "importance": r.get("importance"), "performance": r.get("performance_top2"),
                 "priority": r.get("priority"), "rank": r.get("rank"), "low": r.get("importance_low"),
                 "high": r.get("importance_high"), "first": r.get("rank_first")} for r in entry.get("fix_first", [])]
        unclear = [texts.get(r["question"], r["question"]) for r in entry.get("not_distinguishable", [])]
        panels.append({"name": name, "status": entry.get("status"), "n": entry.get("n"), "rows": rows,
                       "not_distinguishable": unclear,
                       "chart": charts.quadrant(rows, f"Fix-first drivers: {name}", f"drivers-{i}")})
    return panels


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sentiment_rows(summary: dict, dim: str, theme_labels: dict) -> list[dict]:
    rows = []
    for cell in summary.get(dim, []):
        if cell.get("suppressed"):
            rows.append({"label": cell["segment"], "counts": None, "comments": None, "themes": []})
            continue
        themes = [{"id": t, "label": theme_labels.get(t, t), "count": v["count"] if isinstance(v, dict) else None,
                   "labels": v.get("labels", {}) if isinstance(v, dict) else {}}
                  for t, v in cell.get("themes", {}).items()]
        rows.append({"label": cell["segment"], "counts": cell["labels"], "comments": cell["comments"],
                     "themes": [t for t in themes if t["count"] is not None][:5]})
    return rows


def overview(doc: dict, summary: dict, theme_labels: dict, followup_counts: dict) -> dict:
    """Everything the overview page shows."""
    tiers, regions = segment_rows(doc, "tier"), segment_rows(doc, "region")
    sentiment = sentiment_rows(summary, "tier", theme_labels)
    return {
        "overall": overall_row(doc), "previous_wave": doc.get("previous_wave"),
        "tiers": tiers, "regions": regions,
        "nps_tier_chart": charts.interval_chart(tiers, "NPS by tier with 95% interval", "nps-tier"),
        "nps_region_chart": charts.interval_chart(regions, "NPS by region with 95% interval", "nps-region"),
        "rate_tier_chart": charts.bar_chart(
            [{"label": r["label"], "value": r["response_rate"], "suppressed": r["suppressed"]} for r in tiers],
            "Response rate by tier", "rate-tier"),
        "rate_region_chart": charts.bar_chart(
            [{"label": r["label"], "value": r["response_rate"], "suppressed": r["suppressed"]} for r in regions],
            "Response rate by region", "rate-region"),
        "sentiment": sentiment,
        "sentiment_chart": charts.stacked_mix(sentiment, "Comment sentiment by tier", "sentiment-tier"),
        "drivers": driver_panels(doc), "followups": followup_counts,
    }


BREAKDOWN_CHOICES = (("tier", "Tier"), ("region", "Region"), ("program", "Program"),
                     ("partner_type", "Partner type"), ("transacting", "Transacting"), ("tier:region", "Tier × region"))


def _number(estimate, key: str = "value"):
    return estimate.get(key) if isinstance(estimate, dict) else None


def question_results(doc: dict, by: str | None) -> dict:
    """Per question: top-2-box and mean per rating, shares per choice option, overall and per
    segment of one breakdown (``by``: tier, region, program, partner_type, transacting, tier:region)."""
    dims = by.split(":") if by else []
    cells = [("all partners", doc["overall"])] + [(_label(c["segment"], doc.get("program")), c)
                                                  for c in breakdown(doc, *dims)]  # the program's labels
    ratings, choices = [], []
    for question in doc.get("questions", []):
        qid = question["id"]
        if question["type"] == "rating":
            rows = []
            for label, cell in cells:
                value = (cell.get("csat") or {}).get(qid)
                suppressed = value == MARKER or bool(cell.get("suppressed"))
                top2 = None if suppressed else _number((value or {}).get("top2"))
                rows.append({"label": label, "suppressed": suppressed, "value": top2,
                             "low": None if suppressed else _number((value or {}).get("top2"), "ci_low"),
                             "high": None if suppressed else _number((value or {}).get("top2"), "ci_high"),
                             "mean": None if suppressed else _number((value or {}).get("mean")),
                             "n": None if suppressed else _number((value or {}).get("top2"), "n")})
            ratings.append({"id": qid, "text": question.get("text") or qid, "scale": question.get("scale"),
                            "rows": rows, "chart": charts.bar_chart(rows, f"Top-2-box: {question.get('text') or qid}",
                                                                    f"q-{qid}")})
        elif question["type"].endswith("choice"):
            rows = []
            for label, cell in cells:
                value = (cell.get("choices") or {}).get(qid)
                suppressed = value == MARKER or bool(cell.get("suppressed")) or not isinstance(value, dict)
                rows.append({"label": label, "suppressed": suppressed,
                             "n": None if suppressed else value.get("n"),
                             "shares": {} if suppressed else value.get("shares", {})})
            overall = rows[0]
            bars = [{"label": option, "value": overall["shares"].get(option), "suppressed": overall["suppressed"]}
                    for option in question.get("options", [])]
            choices.append({"id": qid, "text": question.get("text") or qid, "type": question["type"],
                            "options": question.get("options", []), "rows": rows,
                            "chart": charts.bar_chart(bars, f"Shares: {question.get('text') or qid}", f"q-{qid}")})
    return {"by": by, "ratings": ratings, "choices": choices, "segments": [c[0] for c in cells]}
