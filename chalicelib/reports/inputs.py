"""The report's inputs, read from the wave's results snapshot (the numbers everyone else shows).

The report computes nothing of its own: the scorecard is the snapshot's ``scorecard:all`` (the
document the staff API, the dashboard, ``pulse snapshot show`` and the exports read), and the
comment themes per tier, revenue coverage and survey title are the snapshot's ``report`` part
(``chalicelib.services.snapshot_builder.report_part``). Standard library only.
"""
from __future__ import annotations

SCORECARD_PART = "scorecard:all"
REPORT_PART = "report"
SUMMARY_PART = "comment_summary:all"  # the overview's sentiment and theme counts
THEMES_PART = "themes"


THEME_CHANGES_PART = "theme_changes"  # each theme's share and tone against the previous wave


def inputs_from_snapshot(scorecard: dict, report: dict, pointer: dict, comment_summary: dict | None = None,
                         theme_labels: dict | None = None, theme_changes: dict | None = None) -> dict:
    """The plain dict ``build_report_model`` takes, from the snapshot parts and the pointer; with the
    dashboard's comment summary the report counts themes exactly as the overview does."""
    summary = {**comment_summary, "theme_labels": theme_labels or {}} if comment_summary else None
    return {"scorecard": scorecard, "comments": report.get("comments"), "revenue": report.get("revenue") or {},
            "survey_title": report.get("survey_title"), "comment_threshold": report.get("comment_threshold"),
            "comment_summary": summary, "theme_changes": theme_changes,
            "snapshot": {"version": pointer["version"], "built_at": pointer["built_at"]}}


def snapshot_is_usable(pointer: dict | None, closed_on: str | None = None) -> bool:
    """A snapshot the report can render: it exists, has both parts, and (for a closed wave) was
    built after the wave closed, so the final summary counts every response."""
    if not pointer or not {SCORECARD_PART, REPORT_PART} <= set(pointer.get("parts") or {}):
        return False
    return closed_on is None or str(pointer.get("built_at") or "") >= closed_on
