"""The overview's story from the top down: the headline of the selection, what changed (significant
changes of NPS and rating questions, with links), what to fix first (short labels, certainty in
words), and the driver panel of one chosen segment.

Pure functions over the scorecard document of ``services.results`` (the snapshot): every figure is
one the document publishes; the words come from ``chalicelib.reports.summary``, so the overview
and the leadership report say the same things the same way.
"""
from __future__ import annotations

from urllib.parse import urlencode

from chalicelib.domain.errors import FieldProblem, InvalidInput
from chalicelib.domain.program import catalogue_label
from chalicelib.reports.summary import cell_changes, full_text, rank_certainty, short_label, theme_change_items
from chalicelib.services.results import breakdown

CHANGE_DIMENSIONS = ("tier", "region")
ALL = "all"


def segment_key(segment: dict) -> str:
    """``all``, ``tier:principal``, ``region:EMEA`` (a driver panel's key in the URL)."""
    return ";".join(f"{k}:{v}" for k, v in sorted(segment.items())) or ALL


def segment_name(doc: dict, segment: dict) -> str:
    return " / ".join(catalogue_label(doc.get("program"), k, v) for k, v in segment.items()) or "All partners"


def focus_cell(doc: dict, filters: dict) -> dict | None:
    """The one published cell the URL's segment filters pick (``tier=principal``), or None when
    they pick none or several; the headline, changes and drivers then speak of that segment."""
    if not filters:
        return None
    dims = sorted(filters)
    cells = [c for c in breakdown(doc, *dims) or breakdown(doc, *reversed(dims))
             if all(str(c["segment"].get(d)).lower() == str(v).lower() for d, v in filters.items())]
    return cells[0] if len(cells) == 1 else None


def what_changed(doc: dict, wave_id: str, focus: dict | None = None, theme_changes: dict | None = None) -> dict:
    """Significant changes against the previous wave, whole program first (or the focused segment
    only), then per tier and region; each with a link to where it is shown in detail. Theme changes
    (``results.theme_changes``) follow the questions of the whole program and of each tier."""
    def link(change: dict, segment: dict) -> str:
        if change["kind"] == "nps":
            return "/staff?" + urlencode({"wave": wave_id, **segment}) + "#h-trend"
        if change["kind"] == "theme":
            return "/staff/comments?" + urlencode({"wave": wave_id, **segment, "theme": change["theme"]})
        by = {"by": next(iter(segment))} if segment else {}
        return "/staff/questions?" + urlencode({"wave": wave_id, **by, **segment}) + f"#h-{change['question']}"

    scopes = [(focus["segment"], focus)] if focus else [({}, doc["overall"])] + [
        (c["segment"], c) for dim in CHANGE_DIMENSIONS for c in breakdown(doc, dim)]
    items = []
    for segment, cell in scopes:
        name = segment_name(doc, segment)
        group = "all" if not segment else (f"tier:{segment['tier']}" if list(segment) == ["tier"] else None)
        themes = theme_change_items(theme_changes, group, name) if group else []
        for change in cell_changes(doc, cell, name) + themes:
            items.append({**change, "link": link(change, segment), "segment": segment_key(segment)})
    return {"previous_wave": doc.get("previous_wave"), "items": items,
            "themes_compared": bool((theme_changes or {}).get("compared"))}


def driver_entries(doc: dict) -> list[dict]:
    return [e for e in doc.get("drivers", []) if isinstance(e, dict)]


def driver_choices(doc: dict) -> list[tuple[str, str]]:
    """(key, name) of every driver panel, in the document's order (whole program first)."""
    return [(segment_key(e.get("segment") or {}), segment_name(doc, e.get("segment") or {}))
            for e in driver_entries(doc)]


def chosen_driver_key(doc: dict, query_value: str | None, focus: dict | None) -> str:
    """The driver panel to show: the URL's ``drivers`` (checked), the focused segment's, or all."""
    keys = [k for k, _ in driver_choices(doc)]
    if query_value:
        if query_value not in keys:
            raise InvalidInput(FieldProblem("drivers", "choose one of the segments offered in the list"))
        return query_value
    if focus is not None and segment_key(focus["segment"]) in keys:
        return segment_key(focus["segment"])
    return ALL if ALL in keys else (keys[0] if keys else ALL)


def fix_first(doc: dict, key: str, wave_id: str, limit: int = 3) -> dict:
    """The chosen segment's fix-first items in plain words (short label, how sure, satisfied share),
    each linked to its question's results; the full question text for the hover and the detail."""
    entry = next((e for e in driver_entries(doc) if segment_key(e.get("segment") or {}) == key), None)
    if entry is None or entry.get("status") != "ok" or not entry.get("fix_first"):
        return {"available": False, "name": segment_name(doc, (entry or {}).get("segment") or {}), "items": [],
                "n": (entry or {}).get("n")}
    items = []
    for row in entry["fix_first"][:limit]:
        share = row.get("performance_top2")
        items.append({"label": short_label(doc, row["question"]), "text": full_text(doc, row["question"]),
                      "question": row["question"], "certainty": rank_certainty(row.get("rank_first")),
                      "satisfied": None if share is None else round(share * 100),
                      "link": f"/staff/questions?wave={wave_id}#h-{row['question']}"})
    return {"available": True, "name": segment_name(doc, entry.get("segment") or {}), "items": items,
            "n": entry.get("n")}
