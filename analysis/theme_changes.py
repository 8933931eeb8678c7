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


def _clustered_share(pairs: list[tuple[int, int]]) -> stats.Estimate:
    """Share sum(y)/sum(m) over partners' (y hits, m comments), with the partner-clustered standard error."""
    pairs = [(y, m) for y, m in pairs if m]
    n = sum(m for _, m in pairs)
    hits = sum(y for y, _ in pairs)
    g = len(pairs)
    p = hits / n if n else float("nan")
    deff = 1.0
    if n and g > 1 and 0 < p < 1:
        robust = g / (g - 1) * sum((y - p * m) ** 2 for y, m in pairs) / n ** 2
        deff = max(robust / (p * (1 - p) / n), 1e-9)
    return stats.wilson(hits, n, design_effect=deff, clusters=g)


def _sparse_share(with_theme: list[tuple[int, int]], side: dict) -> stats.Estimate:
    """``_clustered_share`` over every partner of ``side`` when only the partners in ``with_theme``
    ((theme comments, comments)) have hits: the others add (p·m)² each, i.e. p²·(Σm² - Σ those m²)."""
    n, g = side["n"], side["g"]
    hits = sum(y for y, _ in with_theme)
    p = hits / n if n else float("nan")
    deff = 1.0
    if n and g > 1 and 0 < p < 1:
        inside = sum((y - p * m) ** 2 for y, m in with_theme)
        outside = p * p * (side["m2"] - sum(m * m for _, m in with_theme))
        deff = max(g / (g - 1) * (inside + outside) / n ** 2 / (p * (1 - p) / n), 1e-9)
    return stats.wilson(hits, n, design_effect=deff, clusters=g)


def _tally(comments: list[dict]) -> dict[str, dict]:
    """Per group (``all``, ``tier:<id>``): comments ``n``, partners ``g``, Σ(comments per partner)² ``m2``,
    and per theme one (theme comments, negative ones, partner's comments) entry per partner with it."""
    partners: dict[str, dict] = {}
    for c in comments:
        for group in ("all", *([f"tier:{c['tier']}"] if c.get("tier") else [])):
            partner = partners.setdefault(group, {}).setdefault(c.get("partner_id"), {"m": 0, "themes": {}})
            partner["m"] += 1
            for theme in set(c.get("themes") or []):
                counts = partner["themes"].setdefault(theme, [0, 0])
                counts[0] += 1
                counts[1] += c.get("label") == "negative"
    groups = {}
    for group, members in partners.items():
        themes: dict[str, list[tuple[int, int, int]]] = {}
        for member in members.values():
            for theme, (count, negative) in member["themes"].items():
                themes.setdefault(theme, []).append((count, negative, member["m"]))
        groups[group] = {"n": sum(m["m"] for m in members.values()), "g": len(members),
                         "m2": sum(m["m"] ** 2 for m in members.values()), "themes": themes}
    return groups


def _passes(comments: int, partners: int, min_comments: int, min_partners: int) -> bool:
    return comments >= min_comments and partners >= min_partners


def theme_changes(current: list[dict], previous: list[dict], min_comments: int = 8, min_partners: int = 3,
                  labels: dict | None = None) -> list[dict]:
    """Tests of every publishable theme and measure, group by group, Benjamini-Hochberg adjusted
    together: [{group, theme, label, measure, value, other, difference, p, p_adjusted, significant,
    comments, partners}], shares as fractions (0-1)."""
    labels = labels or {}
    now_groups, then_groups = _tally(current), _tally(previous)
    tests: list[dict] = []
    for group, now in now_groups.items():
        then = then_groups.get(group)
        if then is None or not _passes(now["n"], now["g"], min_comments, min_partners) \
                or not _passes(then["n"], then["g"], min_comments, min_partners):
            continue
        for theme in sorted(set(now["themes"]) & set(then["themes"])):
            a_rows, b_rows = now["themes"][theme], then["themes"][theme]
            if not all(_passes(sum(r[0] for r in rows), len(rows), min_comments, min_partners)
                       for rows in (a_rows, b_rows)):
                continue
            estimates = {
                "share": (_sparse_share([(c, m) for c, _, m in a_rows], now),
                          _sparse_share([(c, m) for c, _, m in b_rows], then)),
                "negative": (_clustered_share([(neg, c) for c, neg, _ in a_rows]),
                             _clustered_share([(neg, c) for c, neg, _ in b_rows])),
            }
            for measure in MEASURES:
                a, b = estimates[measure]
                p = stats.difference_test(a, b)["p"]
                tests.append({"group": group, "theme": theme, "label": labels.get(theme, theme.replace("_", " ")),
                              "measure": measure, "value": round(a.value, 4), "other": round(b.value, 4),
                              "difference": round(a.value - b.value, 4),
                              "p": None if p is None or math.isnan(p) else float(p),
                              "comments": sum(r[0] for r in a_rows), "partners": len(a_rows)})
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
