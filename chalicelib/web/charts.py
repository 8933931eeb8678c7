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


def _label_column(rows: list[dict], least: int = 150, most: int = 280) -> int:
    """Width of the label column: wide enough for the longest label (never clipped), within bounds."""
    widest = max((text_width(str(r.get("label", ""))) for r in rows), default=0)
    return int(min(max(least, widest + 16), most))


def _fit(label, width: float) -> str:
    """A label shortened with an ellipsis to fit ``width`` (the full text stays in the table)."""
    text = str(label)
    while len(text) > 4 and text_width(text) > width:
        text = text[:-2] + "…"
    return text


def interval_chart(rows: list[dict], title: str, chart_id: str, low=-100.0, high=100.0,
                   unit: str = "") -> Markup:
    """Dot-and-whisker chart: rows [{label, value, low, high, suppressed}] on a [low, high] axis."""
    left, right, row_h, top = _label_column(rows), 60, 28, 30
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
        body.append(_text(left - 8, y + 4, _fit(row["label"], left - 12), "end"))
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
    left, row_h, top, width = _label_column(rows), 26, 10, 640
    plot = width - left - 80
    height = top + row_h * max(len(rows), 1) + 10
    body = []
    for i, row in enumerate(rows):
        y = top + row_h * i
        body.append(_text(left - 8, y + 16, _fit(row["label"], left - 12), "end"))
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
    anchors = [(sx(p["importance"]), sy(p["performance"])) for p in usable]
    fixed = [(width - pad - 4 - text_width("fix first: important, low performance", bold=True), height - pad - 18,
              width - pad - 4, height - pad - 2),  # the quadrant's caption, the y axis' title
             (pad, pad - 22, pad + text_width("↑ satisfied (top-2-box)"), pad - 6)]
    placements = place_labels([p["label"] for p in usable], anchors, (pad, 0, width, height - pad), fixed)
    for p, (px, py), place in zip(usable, anchors, placements, strict=True):
        fix = p["importance"] >= mean_x and p["performance"] < mean_y
        colour = VERMILLION if fix else BLUE
        shape = (f'<rect x="{px - 5:.1f}" y="{py - 5:.1f}" width="10" height="10" fill="{colour}"/>' if fix else
                 f'<circle cx="{px:.1f}" cy="{py:.1f}" r="5" fill="{colour}"/>')
        body.append(shape)
        if place["leader"]:  # moved away from its point: a thin line says which point it names
            body.append(f'<line x1="{px:.1f}" y1="{py:.1f}" x2="{place["leader"][0]:.1f}" '
                        f'y2="{place["leader"][1]:.1f}" stroke="{GREY}" stroke-width="0.8"/>')
        label = _text(place["x"], place["y"], p["label"], place["anchor"])
        body.append(label.replace("<text ", '<text class="label" ', 1))
    desc = "; ".join(f"{p['label']}: importance {p['importance']:.2f}, top-2-box {p['performance']:.0%}"
                     for p in usable)
    return _svg(width, height, title, desc, body, chart_id)


# -- label placement ---------------------------------------------------------------------------------
FONT_SIZE, LINE = 12, 15
_NARROW, _WIDE = set("iljtfrI.,;:'|!()[] "), set("mwMW@%")


def text_width(text: str, size: int = FONT_SIZE, bold: bool = False) -> float:
    """A generous estimate of a label's width in a sans-serif font (no renderer on the server):
    wider than Chromium's and matplotlib's DejaVu measure for the same text, so boxes that do not
    overlap here do not overlap on screen (checked in Chromium by the tests)."""
    units = sum(0.36 if c in _NARROW else 0.95 if c in _WIDE else 0.72 if c.isupper() else 0.6 for c in str(text))
    return units * size * (1.08 if bold else 1.0)


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def place_labels(labels: list[str], anchors: list[tuple[float, float]], bounds: tuple[float, float, float, float],
                 obstacles: list[tuple] = (), marker: float = 6.0) -> list[dict]:
    """Positions for point labels that overlap neither each other, nor any point, nor ``obstacles``.

    Greedy with nudging: labels are placed from the most crowded point outwards; each tries the
    right and left of its point, then above and below, then steps further up and down (one line
    at a time) until its box is free; a label moved off its point gets a leader line. When nothing
    fits inside ``bounds`` (x0, y0, x1, y1) the position with the least overlap is used.
    Returns per label {x, y, anchor, box: (x0, y0, x1, y1), leader: (x, y) | None}.
    """
    x0, y0, x1, y1 = bounds
    points = [(x - marker, y - marker, x + marker, y + marker) for x, y in anchors]
    placed: list[tuple] = list(obstacles)
    out: list[dict | None] = [None] * len(labels)

    def crowding(i):
        x, y = anchors[i]
        return -sum(1 for (u, v) in anchors if abs(u - x) < 120 and abs(v - y) < 30)

    def candidates(x, y, w, h):
        sides = (1, -1) if x < (x0 + x1) / 2 else (-1, 1)
        for step in range(12):  # 0: beside the point; then one line further up or down each time
            for dy in ((0,) if step == 0 else (-step * LINE, step * LINE)):
                for side in sides:
                    left = x + 8 if side > 0 else x - 8 - w
                    yield (left, y - h / 2 + dy, left + w, y + h / 2 + dy), side, dy

    for i in sorted(range(len(labels)), key=lambda i: (crowding(i), anchors[i][1])):
        x, y = anchors[i]
        w, h = text_width(labels[i]), FONT_SIZE + 2
        best = None
        for box, side, dy in candidates(x, y, w, h):
            inside = box[0] >= x0 and box[2] <= x1 and box[1] >= y0 and box[3] <= y1
            cost = (sum(_overlap(box, o) for o in placed)
                    + sum(_overlap(box, p) for j, p in enumerate(points) if j != i) + (0 if inside else 1e6))
            if best is None or cost < best[0]:
                best = (cost, box, side, dy)
            if cost == 0:
                break
        _cost, box, side, dy = best
        placed.append(box)
        out[i] = {"x": box[0] if side > 0 else box[2], "y": box[3] - 3, "anchor": "start" if side > 0 else "end",
                  "box": box, "leader": ((box[0] - 1 if side > 0 else box[2] + 1), box[1] + h / 2) if dy else None}
    return out
