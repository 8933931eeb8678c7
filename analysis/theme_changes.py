"""Theme changes between two waves: each theme's share of the comments and its negative share (tone),
this wave against the previous one, whole program and per tier.

Each share is a proportion clustered by partner (partner = cluster, as every question change): the
cluster-robust variance of the ratio estimator sets the design effect of a Wilson share
(``stats.wilson``), and the difference is tested with ``stats.difference_test`` (t with
min(G) - 1 degrees of freedom). All tests of one snapshot are one Benjamini-Hochberg family
(``comparison.adjust_family``). A theme is compared only when, in both waves and the group, it
holds at least ``min_comments`` comments from at least ``min_partners`` partners (and the group's
comments pass the same thresholds); otherwise it is left out, never shown suppressed-but-derivable.

Pure function over comment records (``id``, ``partner_id``, ``tier``, ``label``, ``themes``).
"""
from __future__ import annotations

import math

from . import stats
from .comparison import adjust_family

MEASURES = ("share", "negative")


def _clustered_share(rows: list[tuple[str, bool]]) -> stats.Estimate:
    """Share of ``True`` over (partner, flag) rows, with the partner-clustered standard error."""
    n = len(rows)
    hits = sum(1 for _, flag in rows if flag)
    by_partner: dict[str, list[int]] = {}
    for partner, flag in rows:
        pair = by_partner.setdefault(partner, [0, 0])
        pair[0] += int(flag)
        pair[1] += 1
    g = len(by_partner)
    p = hits / n if n else float("nan")
    deff = 1.0
    if n and g > 1 and 0 < p < 1:
        robust = g / (g - 1) * sum((y - p * m) ** 2 for y, m in by_partner.values()) / n ** 2
        simple = p * (1 - p) / n
        deff = max(robust / simple, 1e-9) if simple > 0 else 1.0
    return stats.wilson(hits, n, design_effect=deff, clusters=g)


def _groups(comments: list[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {"all": list(comments)}
    for c in comments:
        if c.get("tier"):
            groups.setdefault(f"tier:{c['tier']}", []).append(c)
    return groups


def _passes(rows: list[dict], min_comments: int, min_partners: int) -> bool:
    return len(rows) >= min_comments and len({r.get("partner_id") for r in rows}) >= min_partners


def theme_changes(current: list[dict], previous: list[dict], min_comments: int = 8, min_partners: int = 3,
                  labels: dict | None = None) -> list[dict]:
    """Tests of every publishable theme and measure, group by group, Benjamini-Hochberg adjusted
    together: [{group, theme, label, measure, value, other, difference, p, p_adjusted, significant,
    comments, partners}], shares as fractions (0-1)."""
    labels = labels or {}
    now_groups, then_groups = _groups(current), _groups(previous)
    tests: list[dict] = []
    for group, now_rows in now_groups.items():
        then_rows = then_groups.get(group, [])
        if not _passes(now_rows, min_comments, min_partners) or not _passes(then_rows, min_comments, min_partners):
            continue
        themes = sorted({t for c in now_rows + then_rows for t in c.get("themes") or []})
        for theme in themes:
            now_theme = [c for c in now_rows if theme in (c.get("themes") or [])]
            then_theme = [c for c in then_rows if theme in (c.get("themes") or [])]
            if not _passes(now_theme, min_comments, min_partners) or not _passes(then_theme, min_comments,
                                                                                 min_partners):
                continue
            pairs = {
                "share": ([(c.get("partner_id"), theme in (c.get("themes") or [])) for c in now_rows],
                          [(c.get("partner_id"), theme in (c.get("themes") or [])) for c in then_rows]),
                "negative": ([(c.get("partner_id"), c.get("label") == "negative") for c in now_theme],
                             [(c.get("partner_id"), c.get("label") == "negative") for c in then_theme]),
            }
            for measure, (a_rows, b_rows) in pairs.items():
                a, b = _clustered_share(a_rows), _clustered_share(b_rows)
                result = stats.difference_test(a, b)
                p = result["p"]
                tests.append({"group": group, "theme": theme, "label": labels.get(theme, theme.replace("_", " ")),
                              "measure": measure, "value": round(a.value, 4), "other": round(b.value, 4),
                              "difference": round(a.value - b.value, 4),
                              "p": None if p is None or math.isnan(p) else float(p),
                              "comments": len(now_theme), "partners": len({c.get("partner_id") for c in now_theme})})
    adjust_family(tests)
    for test in tests:
        test["p"] = None if test["p"] is None else float(round(test["p"], 6))
    return tests


def significant(tests: list[dict], group: str | None = None) -> list[dict]:
    """The significant changes (optionally of one group), largest first."""
    return sorted((t for t in tests if t["significant"] and (group is None or t["group"] == group)),
                  key=lambda t: -abs(t["difference"]))


def describe(test: dict, previous_wave: str | None = None) -> str:
    """One change in plain words: "Incentive payouts: 31% of comments, up from 12%"."""
    now, then = round(100 * test["value"]), round(100 * test["other"])
    direction = "up" if test["difference"] > 0 else "down"
    since = f" in {previous_wave}" if previous_wave else ""
    if test["measure"] == "share":
        return f"{test['label']}: {now}% of comments, {direction} from {then}%{since}"
    return f"{test['label']}: {now}% of its comments negative, {direction} from {then}%{since}"
