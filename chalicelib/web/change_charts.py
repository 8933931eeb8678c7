"""A trend chart with program changes marked: one point (and interval) per wave, a dashed vertical
line where each change took effect (between the last wave that opened before it and the next).
Same conventions as web/charts.py: escaped text, title and description, a table beside it."""
from __future__ import annotations

from markupsafe import Markup

from .charts import BLUE, GREY, VERMILLION, _svg, _text


def trend_with_changes(rows: list[dict], changes: list[dict], title: str, chart_id: str, low: float = -100.0,
                       high: float = 100.0, unit: str = "") -> Markup:
    """``rows``: [{label, date (YYYY-MM-DD), value, low, high, suppressed}] oldest first;
    ``changes``: [{change_id, effective (YYYY-MM-DD)}]."""
    left, right, top, bottom = 48, 24, 34, 46
    width, height = 640, 260
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(rows), 1)

    def x(i: float) -> float:
        return left + (i + 0.5) * plot_w / n

    def y(v: float) -> float:
        return top + (high - min(max(v, low), high)) / (high - low) * plot_h

    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{GREY}"/>',
            _text(left - 6, y(high) + 4, f"{high:g}{unit}", "end", fill=GREY),
            _text(left - 6, y(low) + 4, f"{low:g}{unit}", "end", fill=GREY)]
    if low < 0 < high:
        body.append(f'<line x1="{left}" y1="{y(0):.1f}" x2="{left + plot_w}" y2="{y(0):.1f}" stroke="{GREY}" '
                    'stroke-dasharray="2 4"/>')
    previous = None
    for i, row in enumerate(rows):
        body.append(_text(x(i), top + plot_h + 16, row["label"], "middle"))
        if row.get("suppressed") or row.get("value") is None:
            body.append(_text(x(i), top + plot_h / 2, "suppressed" if row.get("suppressed") else "no value",
                              "middle", fill=GREY))
            previous = None
            continue
        v = row["value"]
        lo, hi = row.get("low", v), row.get("high", v)
        lo, hi = (v if lo is None else lo), (v if hi is None else hi)
        body.append(f'<line x1="{x(i):.1f}" y1="{y(lo):.1f}" x2="{x(i):.1f}" y2="{y(hi):.1f}" stroke="{BLUE}" '
                    'stroke-width="3"/>')
        if previous is not None:
            body.append(f'<line x1="{x(previous[0]):.1f}" y1="{y(previous[1]):.1f}" x2="{x(i):.1f}" '
                        f'y2="{y(v):.1f}" stroke="{BLUE}"/>')
        body.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="5" fill="{BLUE}" stroke="#fff"/>')
        body.append(_text(x(i) + 8, y(v) - 6, f"{v:.1f}{unit}"))
        previous = (i, v)
    marked = []
    for k, change in enumerate(changes):
        before = sum(1 for r in rows if r["date"] < change["effective"])
        if before == 0 or before == len(rows):
            continue  # not between two shown waves
        cx = (x(before - 1) + x(before)) / 2
        body.append(f'<line x1="{cx:.1f}" y1="{top - 6}" x2="{cx:.1f}" y2="{top + plot_h}" stroke="{VERMILLION}" '
                    'stroke-width="2" stroke-dasharray="6 3"/>')
        body.append(_text(cx + 4, top - 10 + 12 * (k % 2), change["change_id"], fill="#A04000"))
        marked.append(f"{change['change_id']} (effective {change['effective']}) between "
                      f"{rows[before - 1]['label']} and {rows[before]['label']}")
    values = "; ".join(f"{r['label']}: " + ("suppressed" if r.get("suppressed") else
                                           "no value" if r.get("value") is None else f"{r['value']:.1f}{unit}")
                       for r in rows)
    desc = values + (". Changes marked: " + "; ".join(marked) if marked else ". No change between these waves")
    return _svg(width, height, title, desc + ".", body, chart_id)
