"""Theme share over waves for one segment (issue 22): per theme, the share of the segment's comments
that mention it in each wave, as published by each wave's comment summary (count over comments; a
suppressed cell or theme stays suppressed), with the program changes affecting the segment marked."""
from __future__ import annotations

from chalicelib.services.results import MARKER

TOP = 3


def theme_trend_view(points: list[dict], labels: dict, changes: list[dict], segment: tuple[str, str],
                     segment_label: str, theme: str | None = None) -> list[dict]:
    """Charts (one per theme: the filtered theme, else the latest wave's top themes)."""
    from .change_charts import trend_with_changes

    latest = next((p for p in reversed(points) if p["comments"] not in (None, MARKER)), None)
    if latest is None:
        return []
    counts = {t: float(v["count"]) for t, v in latest["themes"].items() if isinstance(v, dict)}
    themes = [theme] if theme else sorted(counts, key=lambda t: -counts[t])[:TOP]
    out = []
    for theme_id in themes:
        rows = []
        for p in points:
            entry = p["themes"].get(theme_id)
            if p["comments"] is None:
                continue
            suppressed = p["comments"] == MARKER or entry == MARKER
            share = (100.0 * float(entry["count"]) / float(p["comments"])
                     if isinstance(entry, dict) and not suppressed and p["comments"] else None)
            rows.append({"label": p["wave_id"], "date": p["opens_at"][:10], "suppressed": suppressed,
                         "value": share, "low": share, "high": share})
        if len(rows) < 2:
            continue
        label = labels.get(theme_id, theme_id)
        chart_id = f"tt-{theme_id}"
        out.append({"theme": theme_id, "label": label, "rows": rows,
                    "chart": trend_with_changes(rows, changes, f"Share of comments about {label} per wave "
                                                f"({segment_label}), program changes marked", chart_id,
                                                low=0.0, high=100.0, unit="%")})
    return out
