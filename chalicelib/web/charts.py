"""Server-side SVG charts for the dashboard: labelled, colour-blind safe (Okabe-Ito palette),
every text escaped. Each function returns markup (``markupsafe.Markup``) of one ``<svg>`` with a
``<title>`` and ``<desc>``; the page shows the same numbers as a table next to it.
"""
from __future__ import annotations

from markupsafe import Markup, escape

# Okabe & Ito (2008), distinguishable with the common colour-vision deficiencies.
BLUE, VERMILLION, GREY, ORANGE, SKY, GREEN, PURPLE = ("#0072B2", "#D55E00", "#6E6E6E", "#E69F00",
                                                      "#56B4E9", "#009E73", "#CC79A7")
SENTIMENT_COLOURS = {"positive": BLUE, "neutral": GREY, "negative": VERMILLION}
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _svg(width: int, height: int, title: str, desc: str, body: list[str], chart_id: str) -> Markup:
    t, d = escape(title), escape(desc)
    # Every text in ``body`` went through _text()/escape(); attributes are numbers and constants.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d" class="chart">'
        f'<title id="{chart_id}-t">{t}</title><desc id="{chart_id}-d">{d}</desc>'
        + "".join(body) + "</svg>")


def _text(x, y, text, anchor="start", weight="normal", fill="#1a1a1a") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-weight="{weight}" fill="{fill}" '
            f'{FONT}>{escape(str(text))}</text>')


def interval_chart(rows: list[dict], title: str, chart_id: str, low=-100.0, high=100.0,
                   unit: str = "") -> Markup:
    """Dot-and-whisker chart: rows [{label, value, low, high, suppressed}] on a [low, high] axis."""
    left, right, row_h, top = 150, 60, 28, 30
    width = 640
    plot = width - left - right
    height = top + row_h * max(len(rows), 1) + 30

    def x(v):
        return left + (min(max(v, low), high) - low) / (high - low) * plot

    body = [_text(left, 16, f"{low:g}{unit}", "middle", fill=GREY), _text(left + plot, 16, f"{high:g}{unit}",
                                                                        "middle", fill=GREY)]
    if low < 0 < high:
        body.append(f'<line x1="{x(0):.1f}" y1="22" x2="{x(0):.1f}" y2="{height - 24}" stroke="{GREY}" '
                    f'stroke-dasharray="3 3"/>')
        body.append(_text(x(0), 16, "0", "middle", fill=GREY))
    for i, row in enumerate(rows):
        y = top + row_h * i + row_h / 2
        body.append(_text(left - 8, y + 4, row["label"], "end"))
        if row.get("suppressed") or row.get("value") is None:
            body.append(_text(left + 4, y + 4, "suppressed (too few responses)", fill=GREY))
            continue
        lo, hi, v = row.get("low", row["value"]), row.get("high", row["value"]), row["value"]
        body.append(f'<line x1="{x(lo):.1f}" y1="{y:.1f}" x2="{x(hi):.1f}" y2="{y:.1f}" stroke="{BLUE}" '
                    f'stroke-width="3"/>')
        body.append(f'<circle cx="{x(v):.1f}" cy="{y:.1f}" r="6" fill="{BLUE}" stroke="#fff"/>')
        body.append(_text(x(hi) + 6, y + 4, f"{v:.1f}{unit}"))
    desc = "; ".join(f"{r['label']}: " + ("suppressed" if r.get("suppressed") or r.get("value") is None
                                         else f"{r['value']:.1f} ({r.get('low', 0):.1f} to {r.get('high', 0):.1f})")
                     for r in rows)
    return _svg(width, height, title, desc, body, chart_id)


def bar_chart(rows: list[dict], title: str, chart_id: str, maximum: float = 1.0, percent=True) -> Markup:
    """Horizontal bars: rows [{label, value, suppressed}]; values in [0, maximum]."""
    left, row_h, top, width = 150, 26, 10, 640
    plot = width - left - 80
    height = top + row_h * max(len(rows), 1) + 10
    body = []
    for i, row in enumerate(rows):
        y = top + row_h * i
        body.append(_text(left - 8, y + 16, row["label"], "end"))
        if row.get("suppressed") or row.get("value") is None:
            body.append(_text(left + 4, y + 16, "suppressed" if row.get("suppressed") else "n/a", fill=GREY))
            continue
        w = max(row["value"], 0) / maximum * plot if maximum else 0
        body.append(f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{SKY}" '
                    f'stroke="{BLUE}"/>')
        label = f"{row['value']:.0%}" if percent else f"{row['value']:g}"
        body.append(_text(left + w + 6, y + 16, label))
    desc = "; ".join(f"{r['label']}: {'suppressed' if r.get('suppressed') or r.get('value') is None else r['value']}"
                     for r in rows)
    return _svg(width, height, title, desc, body, chart_id)


def stacked_mix(rows: list[dict], title: str, chart_id: str) -> Markup:
    """100 % stacked bars of sentiment labels: rows [{label, counts: {positive, neutral, negative}}]."""
    left, row_h, top, width = 150, 30, 28, 640
    plot = width - left - 20
    height = top + row_h * max(len(rows), 1) + 10
    body, lx = [], left
    for name, colour in SENTIMENT_COLOURS.items():
        body.append(f'<rect x="{lx}" y="6" width="12" height="12" fill="{colour}"/>')
        body.append(_text(lx + 16, 16, name))
        lx += 100
    for i, row in enumerate(rows):
        y = top + row_h * i
        body.append(_text(left - 8, y + 18, row["label"], "end"))
        counts = row.get("counts")
        if not counts:
            body.append(_text(left + 4, y + 18, "suppressed (too few comments)", fill=GREY))
            continue
        total = sum(counts.get(k, 0) for k in SENTIMENT_COLOURS) or 1
        x = left
        for name, colour in SENTIMENT_COLOURS.items():
            w = counts.get(name, 0) / total * plot
            body.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{colour}"/>')
            if w > 34:
                body.append(_text(x + w / 2, y + 19, f"{counts.get(name, 0) / total:.0%}", "middle",
                                  "bold", "#fff" if name != "neutral" else "#fff"))
            x += w
    desc = "; ".join(f"{r['label']}: " + (", ".join(f"{k} {v}" for k, v in r["counts"].items())
                                        if r.get("counts") else "suppressed") for r in rows)
    return _svg(width, height, title, desc, body, chart_id)


def quadrant(points: list[dict], title: str, chart_id: str) -> Markup:
    """Fix-first quadrant: x = importance (share of explained NPS variance), y = top-2-box
    performance; the top-left area (important, weak) is what to fix first.
    points [{label, importance, performance}]."""
    width, height, pad = 640, 360, 50
    usable = [p for p in points if p.get("importance") is not None and p.get("performance") is not None]
    if not usable:
        return _svg(width, 60, title, "not enough responses for drivers", [
            _text(10, 30, "Not enough responses in this segment for a driver analysis.", fill=GREY)], chart_id)
    max_x = max(p["importance"] for p in usable) * 1.15 or 1
    mean_x = sum(p["importance"] for p in usable) / len(usable)
    mean_y = sum(p["performance"] for p in usable) / len(usable)

    def sx(v):
        return pad + v / max_x * (width - 2 * pad)

    def sy(v):
        return height - pad - v * (height - 2 * pad)

    body = [f'<rect x="{sx(mean_x):.1f}" y="{sy(mean_y):.1f}" width="{width - pad - sx(mean_x):.1f}" '
            f'height="{height - pad - sy(mean_y):.1f}" fill="#FBE3D6"/>',
            _text(width - pad - 4, height - pad - 6, "fix first: important, low performance", "end",
                  "bold", "#8A3200"),
            f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#333"/>',
            f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#333"/>',
            f'<line x1="{sx(mean_x):.1f}" y1="{pad}" x2="{sx(mean_x):.1f}" y2="{height - pad}" '
            f'stroke="{GREY}" stroke-dasharray="4 3"/>',
            f'<line x1="{pad}" y1="{sy(mean_y):.1f}" x2="{width - pad}" y2="{sy(mean_y):.1f}" '
            f'stroke="{GREY}" stroke-dasharray="4 3"/>',
            _text(width / 2, height - 12, "importance (share of explained NPS variance) →", "middle"),
            _text(pad, pad - 10, "↑ satisfied (top-2-box)", "start"),
            _text(pad - 6, sy(0) + 4, "0%", "end", fill=GREY), _text(pad - 6, sy(1) + 4, "100%", "end", fill=GREY)]
    for p in usable:
        fix = p["importance"] >= mean_x and p["performance"] < mean_y
        colour = VERMILLION if fix else BLUE
        shape = (f'<rect x="{sx(p["importance"]) - 5:.1f}" y="{sy(p["performance"]) - 5:.1f}" width="10" '
                 f'height="10" fill="{colour}"/>' if fix else
                 f'<circle cx="{sx(p["importance"]):.1f}" cy="{sy(p["performance"]):.1f}" r="5" fill="{colour}"/>')
        body.append(shape)
        right_side = sx(p["importance"]) > width * 0.65
        body.append(_text(sx(p["importance"]) + (-8 if right_side else 8), sy(p["performance"]) + 4, p["label"],
                          "end" if right_side else "start"))
    desc = "; ".join(f"{p['label']}: importance {p['importance']:.2f}, top-2-box {p['performance']:.0%}"
                     for p in usable)
    return _svg(width, height, title, desc, body, chart_id)
