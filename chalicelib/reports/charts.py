"""PNG charts for the report (matplotlib, imported inside the functions that draw).

Each chart takes the plain lists of ``model["charts"]``, which hold only published
(suppression-safe) values, and returns PNG bytes; an empty list gives no chart.
"""
from __future__ import annotations

import io

WIDTH, HEIGHT, DPI = 6.4, 3.0, 100
BLUE, GREY, RED, GREEN = "#1f5fa8", "#9aa5b1", "#c0392b", "#2e8b57"


def _figure(height: float = HEIGHT):
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(WIDTH, height), dpi=DPI)
    axes.spines[["top", "right"]].set_visible(False)
    return plt, figure, axes


def _png(plt, figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def nps_by_tier_chart(rows: list[tuple]) -> bytes | None:
    """Horizontal bars of NPS per tier with 95% interval whiskers. rows: (label, value, low, high)."""
    if not rows:
        return None
    plt, figure, axes = _figure(max(1.6, 0.55 * len(rows) + 1.0))
    labels = [r[0] for r in rows]
    values = [r[1] for r in rows]
    errors = [[r[1] - r[2] for r in rows], [r[3] - r[1] for r in rows]]
    positions = range(len(rows))
    axes.barh(positions, values, xerr=errors, color=BLUE, ecolor="#333333", capsize=4, height=0.55)
    axes.set_yticks(list(positions), labels)
    axes.invert_yaxis()
    axes.axvline(0, color="#333333", linewidth=0.8)
    axes.set_xlim(-100, 100)
    axes.set_xlabel("NPS (bars: 95% interval)")
    axes.set_title("NPS by tier", loc="left", fontsize=11)
    return _png(plt, figure)


def wave_over_wave_chart(rows: list[tuple], previous_wave: str | None, wave_id: str) -> bytes | None:
    """Previous and current NPS side by side. rows: (label, previous, current, significant)."""
    if not rows:
        return None
    plt, figure, axes = _figure()
    positions = list(range(len(rows)))
    width = 0.38
    before = axes.bar([p - width / 2 for p in positions], [r[1] for r in rows], width, color=GREY,
                      label=previous_wave or "previous")
    after = axes.bar([p + width / 2 for p in positions], [r[2] for r in rows], width, color=BLUE, label=wave_id)
    for bars in (before, after):  # a value of 0 has no visible bar: label every bar
        axes.bar_label(bars, labels=[f"{v:+.0f}" if round(v) else "0" for v in bars.datavalues],
                       fontsize=7, padding=2)
    for position, row in zip(positions, rows, strict=True):
        if row[3]:
            axes.annotate("significant", (position + width / 2, row[2]), ha="center",
                          xytext=(0, 12 if row[2] >= 0 else -20), textcoords="offset points", fontsize=8)
    axes.set_xticks(positions, [r[0] for r in rows])
    axes.axhline(0, color="#333333", linewidth=0.8)
    axes.set_ylim(-100, 100)
    axes.set_ylabel("NPS")
    axes.legend(frameon=False, fontsize=8)
    axes.set_title("NPS against the previous wave", loc="left", fontsize=11)
    return _png(plt, figure)


def theme_sentiment_chart(rows: list[tuple]) -> bytes | None:
    """Mean sentiment of the top themes per tier. rows: (label, polarity in [-1, 1])."""
    if not rows:
        return None
    plt, figure, axes = _figure(max(1.8, 0.32 * len(rows) + 1.0))
    positions = range(len(rows))
    axes.barh(positions, [r[1] for r in rows], color=[GREEN if r[1] >= 0 else RED for r in rows], height=0.6)
    axes.set_yticks(list(positions), [r[0] for r in rows], fontsize=8)
    axes.invert_yaxis()
    axes.axvline(0, color="#333333", linewidth=0.8)
    axes.set_xlim(-1, 1)
    axes.set_xlabel("mean sentiment (-1 negative, +1 positive)")
    axes.set_title("Sentiment of the top themes", loc="left", fontsize=11)
    return _png(plt, figure)


def render_charts(model: dict) -> dict[str, bytes]:
    """Every chart that has data, by file name (e.g. ``nps_by_tier.png``)."""
    data = model["charts"]
    charts = {
        "nps_by_tier.png": nps_by_tier_chart(data["nps_by_tier"]),
        "wave_over_wave.png": wave_over_wave_chart(data["wave_over_wave"], model["previous_wave"],
                                                   model["wave_id"]),
        "theme_sentiment.png": theme_sentiment_chart(data["theme_sentiment"]),
    }
    return {name: png for name, png in charts.items() if png}
