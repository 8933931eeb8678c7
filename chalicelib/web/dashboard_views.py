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
    cells = breakdown(doc, dim)
    catalogue = doc.get("program")
    if catalogue:  # the program's order (top tier first), labels instead of ids
        key = catalogue_sort_key(catalogue, dim, reverse=dim == "tier")
        cells = sorted(cells, key=lambda c: key(c["segment"].get(dim)))
    return cell_rows(doc, cells)


def cell_rows(doc: dict, cells: list[dict]) -> list[dict]:
    """Table rows of scorecard cells (any breakdown), in the order given."""
    rows = []
    catalogue = doc.get("program")
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
    """Chart labels: the survey's short label, else the question's topic ("incentives payouts") or id."""
    return {q["id"]: q.get("short") or (q.get("topic") or q.get("program") or q["id"]).replace("_", " ")
            for q in doc.get("questions", [])}


def driver_panels(doc: dict, only: str | None = None) -> list[dict]:
    """One fix-first quadrant per segment of the drivers list (overall, then tier, region, program);
    ``only``: the one segment key (``overview_story.segment_key``) to show."""
    from .overview_story import segment_key

    labels, texts = short_labels(doc), question_labels(doc)
    panels = []
    for i, entry in enumerate(doc.get("drivers", [])):
        if only is not None and segment_key(entry.get("segment") or {}) != only:
            continue
        name = _label(entry.get("segment") or {}, doc.get("program"))
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


def selection(doc: dict, dims: list[str], cells: list[dict], filters: dict) -> dict | None:
    """The breakdown and segment filters of the URL: rows, chart and a caption in words."""
    if not dims:
        return None
    names = dict(BREAKDOWN_CHOICES)
    title = " × ".join(names.get(d, d) for d in dims)
    where = ", ".join(f"{names.get(d, d).lower()} = {v}" for d, v in filters.items())
    rows = cell_rows(doc, cells)
    caption = f"NPS by {title.lower()}" + (f" where {where}" if where else "")
    return {"title": title, "filters": filters, "where": where, "rows": rows, "caption": caption,
            "chart": charts.interval_chart(rows, caption + " with 95% interval", "nps-selection") if rows else None}


def _value(nps):
    return nps.get("value") if isinstance(nps, dict) else None


def trend_view(points: list[dict]) -> dict:
    """NPS of every wave so far (oldest first): chart rows, table rows, per-tier series."""
    rows = []
    for p in points:
        nps = p["overall"]["nps"]
        suppressed = nps == MARKER
        change = p.get("change")
        rows.append({"label": p["wave_id"], "wave_id": p["wave_id"], "opens_at": p["opens_at"][:10],
                     "suppressed": suppressed, "value": _value(nps),
                     "low": nps.get("ci_low") if isinstance(nps, dict) else None,
                     "high": nps.get("ci_high") if isinstance(nps, dict) else None,
                     "respondents": p["overall"].get("respondents"), "source": p.get("source"),
                     "change": change.get("difference") if isinstance(change, dict) else None,
                     "significant": bool(isinstance(change, dict) and change.get("significant")),
                     "change_suppressed": change == MARKER})
    tiers = sorted({t for p in points for t in p["by"].get("tier", {})})
    series = [{"label": t, "values": [{"wave_id": p["wave_id"], "suppressed": p["by"]["tier"].get(t) == MARKER,
                                        "value": _value(p["by"]["tier"].get(t))} for p in points]}
              for t in tiers]
    chart_rows = [{**r, "low": r["value"] if r["low"] is None else r["low"],
                   "high": r["value"] if r["high"] is None else r["high"]}
                  for r in rows if r["value"] is not None or r["suppressed"]]
    return {"rows": rows, "tiers": series, "waves": [p["wave_id"] for p in points],
            "chart": charts.interval_chart(chart_rows, "NPS per wave with 95% interval", "nps-trend")
            if chart_rows else None}


def _top2_cell(entry: dict | None) -> dict:
    """One wave's top-2-box of a question for a table cell: suppressed, a share, or absent."""
    top2 = entry.get("top2") if isinstance(entry, dict) else None
    return {"asked": entry is not None, "suppressed": top2 == MARKER, "value": _value(top2)}


def _segment_series(points: list[dict], qid: str, segment: tuple[str, str]) -> list[dict]:
    """Chart rows of one segment's top-2-box per wave (percent), from each wave's published cell."""
    dim, value = segment
    rows = []
    for p in points:
        entry = p.get("csat_by", {}).get(dim, {}).get(value, {}).get(qid)
        top2 = (entry or {}).get("top2")
        if entry is None or (top2 != MARKER and _value(top2) is None):
            continue
        v = _value(top2)

        def bound(name, v=v, top2=top2):
            return None if v is None else (v if top2.get(name) is None else top2[name]) * 100

        rows.append({"label": p["wave_id"], "date": p["opens_at"][:10], "suppressed": top2 == MARKER,
                     "value": None if v is None else v * 100, "low": bound("ci_low"), "high": bound("ci_high")})
    return rows


def csat_trend_view(points: list[dict], qid: str, text: str, catalogue: dict | None = None,
                    changes: list[dict] | None = None, segment: tuple[str, str] | None = None) -> dict:
    """One rating question over every wave so far (oldest first): table rows (top-2-box with
    interval, mean), a chart of the top-2-box in percent and the top-2-box per tier and wave.

    The chart shows ``segment`` (dimension, value) when one is chosen, else every partner in the
    reader's scope, and marks each of ``changes`` (those affecting the segment shown) between the
    waves it fell between.

    ``status`` of a row: "value", "suppressed", "not asked" (the wave's snapshot has no such
    question), "no value" (a wave without a snapshot whose successor published none) or
    "no results" (no snapshot and no comparison)."""
    rows = []
    for p in points:
        entry = p.get("csat", {}).get(qid)
        top2, mean = (entry or {}).get("top2"), (entry or {}).get("mean")
        if entry is None:
            status = {"snapshot": "not asked", None: "no results"}.get(p.get("source"), "no value")
        else:
            status = "suppressed" if top2 == MARKER else "value" if _value(top2) is not None else "no value"
        change = (entry or {}).get("change")
        rows.append({"label": p["wave_id"], "wave_id": p["wave_id"], "opens_at": p["opens_at"][:10],
                     "status": status, "suppressed": status == "suppressed", "source": p.get("source"),
                     "value": _value(top2) if status == "value" else None,
                     "low": top2.get("ci_low") if status == "value" else None,
                     "high": top2.get("ci_high") if status == "value" else None,
                     "n": top2.get("n") if status == "value" else None,
                     "mean": _value(mean) if status == "value" else None,
                     "change": change.get("difference") if isinstance(change, dict) else None,
                     "significant": bool(isinstance(change, dict) and change.get("significant")),
                     "change_suppressed": change == MARKER})
    tiers = sorted({t for p in points for t in p.get("csat_by", {}).get("tier", {})},
                   key=catalogue_sort_key(catalogue, "tier", reverse=True))
    series = [{"label": catalogue_label(catalogue, "tier", t),
               "values": [{"wave_id": p["wave_id"],
                           **_top2_cell(p.get("csat_by", {}).get("tier", {}).get(t, {}).get(qid))} for p in points]}
              for t in tiers]
    series = [s for s in series if any(v["asked"] for v in s["values"])]
    from .change_charts import trend_with_changes

    if segment is None:
        chart_rows = [{"label": r["label"], "date": r["opens_at"], "suppressed": r["suppressed"],
                       "value": None if r["value"] is None else r["value"] * 100,
                       "low": (r["value"] if r["low"] is None else r["low"]) * 100 if r["value"] is not None else None,
                       "high": (r["value"] if r["high"] is None else r["high"]) * 100
                       if r["value"] is not None else None}
                      for r in rows if r["status"] in ("value", "suppressed")]
        shown = ""
    else:
        chart_rows = _segment_series(points, qid, segment)
        shown = f" ({segment[0].replace('_', ' ')} {catalogue_label(catalogue, segment[0], segment[1])})"
    markers = [c for c in changes or [] if c.get("effective")]
    return {"rows": rows, "tiers": series, "waves": [p["wave_id"] for p in points], "segment": shown,
            "chart": trend_with_changes(chart_rows, markers, f"Top-2-box per wave with 95% interval{shown}: {text}",
                                        f"qt-{qid}", low=0.0, high=100.0, unit="%") if chart_rows else None}


def overview(doc: dict, summary: dict, theme_labels: dict, followup_counts: dict,
             selected: dict | None = None, trend: dict | None = None, driver_key: str | None = None,
             filters: dict | None = None) -> dict:
    """Everything the overview page shows; ``filters`` (segment filters of the URL) narrow the tier
    and region tables and the sentiment rows to the matching segments."""
    filters = filters or {}
    tiers, regions = segment_rows(doc, "tier"), segment_rows(doc, "region")
    sentiment = sentiment_rows(summary, "tier", theme_labels)
    if "tier" in filters:
        tier = catalogue_label(doc.get("program"), "tier", filters["tier"])
        tiers = [r for r in tiers if r["label"] in (tier, filters["tier"])]
        sentiment = [r for r in sentiment if r["label"] in (tier, filters["tier"])]
    if "region" in filters:
        region = catalogue_label(doc.get("program"), "region", filters["region"])
        regions = [r for r in regions if r["label"] in (region, filters["region"])]
    return {
        "selection": selected, "trend": trend,
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
        "drivers": driver_panels(doc, driver_key), "drivers_built_at": doc.get("drivers_built_at"),
        "followups": followup_counts,
    }


BREAKDOWN_CHOICES = (("tier", "Tier"), ("region", "Region"), ("program", "Program"),
                     ("partner_type", "Partner type"), ("transacting", "Transacting"), ("tier:region", "Tier × region"))


def _number(estimate, key: str = "value"):
    return estimate.get(key) if isinstance(estimate, dict) else None


def question_results(doc: dict, by: str | None, selected: list[dict] | None = None,
                     trend: list[dict] | None = None, changes: list[dict] | None = None,
                     segment: tuple[str, str] | None = None) -> dict:
    """Per question: top-2-box and mean per rating, shares per choice option, overall and per
    segment of one breakdown (``by``: tier, region, program, partner_type, transacting, tier:region);
    ``selected``: only these cells of the breakdown (segment filters of the URL); ``trend``: the
    points of ``results.wave_trend`` (each rating question then carries its trend over the waves)."""
    dims = by.split(":") if by else []
    chosen = breakdown(doc, *dims) if selected is None else selected
    cells = [("all partners", doc["overall"])] + [(_label(c["segment"], doc.get("program")), c)
                                                  for c in chosen]  # the program's labels
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
            if question.get("matrix") or "." in qid:  # a matrix row: shown with its matrix below
                ratings.append({"id": qid, "matrix": question.get("matrix") or qid.partition(".")[0],
                                "matrix_text": question.get("matrix_text") or "",
                                "label": question.get("row_label") or qid.partition(".")[2],
                                "text": question.get("text") or qid, "rows": rows})
                continue
            ratings.append({"id": qid, "text": question.get("text") or qid, "scale": question.get("scale"),
                            "rows": rows, "chart": charts.bar_chart(rows, f"Top-2-box: {question.get('text') or qid}",
                                                                    f"q-{qid}"),
                            "trend": csat_trend_view(trend, qid, question.get("text") or qid, doc.get("program"),
                                                     changes, segment) if trend else None})
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
    matrices = _matrices([r for r in ratings if "matrix" in r])
    return {"by": by, "ratings": [r for r in ratings if "matrix" not in r], "matrices": matrices,
            "choices": choices, "segments": [c[0] for c in cells]}


def _matrices(rows: list[dict]) -> list[dict]:
    """Matrix questions with their rows (each row a rating item with per-segment top-2-box and mean)."""
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["matrix"], []).append(row)
    out = []
    for mid, items in grouped.items():
        text = items[0]["matrix_text"] or mid
        bars = [{"label": _short(i["label"], 22), **{k: i["rows"][0][k] for k in ("value", "suppressed")}}
                for i in items]
        out.append({"id": mid, "text": text, "items": items,
                    "chart": charts.bar_chart(bars, f"Top-2-box per row: {text}", f"m-{mid}")})
    return out
