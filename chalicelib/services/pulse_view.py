"""The stored transactional results as rows people read (dashboard page, CLI, leadership report)."""
from __future__ import annotations

from chalicelib.domain.fatigue import reason_label
from chalicelib.reports.model import nps_text

TABLES = (("tier", "Tier"), ("region", "Region"), ("program", "Incentive program"))


def _nps(cell: dict | None) -> dict:
    """{value, low, high, text, suppressed} of a scorecard cell's NPS."""
    estimate = (cell or {}).get("nps")
    if not cell or cell.get("suppressed") or not isinstance(estimate, dict):
        return {"value": None, "suppressed": True, "text": "hidden (too few responses)"}
    shown = nps_text(estimate)  # the report's NPS wording: "+32", "+25 to +39"
    return {"value": estimate["value"], "low": estimate["ci_low"], "high": estimate["ci_high"], "suppressed": False,
            "text": f"{shown['value']} (95% CI {shown['interval']})"}


def _ease(cell: dict | None) -> str:
    mean = ((cell or {}).get("csat") or {}).get("q_ease")
    if not isinstance(mean, dict):
        return "hidden" if cell else "–"
    m = mean["mean"]
    return f"{m['value']:.1f}/5 ({m['ci_low']:.1f}–{m['ci_high']:.1f})"


def _cells(cells: list[dict], dimension: str, label=lambda v: v) -> list[dict]:
    out = []
    for cell in cells:
        value = (cell.get("segment") or {}).get(dimension)
        nps = _nps(cell)
        n = cell.get("respondents")
        out.append({"name": label(value), "n": n if isinstance(n, int) else "hidden", "nps": nps,
                    "nps_text": nps["text"], "ease_text": _ease(cell), "suppressed": nps["suppressed"]})
    return out


def pulse_view(doc: dict | None, program=None, rules=None) -> dict:
    """Rows per event type: headline, tables (tier, region, program, each attribute), month trend;
    skip reasons in words with ``rules``' figures (``domain.fatigue.FatigueRules``; defaults if None)."""
    if not doc:
        return {"types": [], "link": None, "skipped": [], "built_at": None, "release": ""}

    def label(dimension: str):
        return (lambda v: program.label(dimension, v)) if program is not None else (lambda v: v)

    types = []
    for t in doc.get("event_types", []):
        card = t.get("scorecard") or {}
        overall = card.get("overall")
        tables = []
        for dims_name, title in TABLES:
            for breakdown in card.get("breakdowns", []):
                if breakdown["by"] == [dims_name]:
                    tables.append({"title": title, "cells": _cells(breakdown["cells"], dims_name, label(dims_name))})
        for name, cells in (t.get("attributes") or {}).items():
            tables.append({"title": name.replace("_", " ").capitalize(), "cells": _cells(cells, name)})
        types.append({
            "id": t["event_type"], "label": t["label"], "events": t["events"], "invited": t["invited"],
            "respondents": t["respondents"], "nps": _nps(overall), "nps_text": _nps(overall)["text"]
            if overall else "no responses yet", "ease_text": _ease(overall), "tables": tables,
            "trend": _cells(t.get("trend") or [], "month"),
            "skipped": [(reason_label(r, rules), n) for r, n in sorted((t.get("skipped") or {}).items())]})
    skipped = [{"month": month, "total": sum(counts.values()),
                "reasons": [(reason_label(r, rules), n) for r, n in counts.items()]}
               for month, counts in (doc.get("skipped") or {}).items()]
    from .pulse_release import release_words

    return {"types": types, "link": doc.get("link"), "skipped": skipped, "built_at": doc.get("built_at"),
            "threshold": doc.get("threshold"), "release": release_words(doc.get("release"))}


def report_moments(doc: dict | None, program=None) -> list[dict]:
    """One short line per event type for the leadership report: NPS, answers, and the lowest shown group."""
    view = pulse_view(doc, program)
    lines = []
    for row in view["types"]:
        shown = [(c["nps"]["value"], table["title"], c["name"]) for table in row["tables"] for c in table["cells"]
                 if not c["suppressed"]]
        lowest = min(shown, default=None)
        lines.append({"label": row["label"], "nps": row["nps_text"], "respondents": row["respondents"],
                      "lowest": f"lowest: {lowest[1].lower()} {lowest[2]} ({lowest[0]:+.0f})" if lowest else ""})
    link = (view.get("link") or {}).get("words")
    return [*lines, {"link": link}] if lines and link else lines
