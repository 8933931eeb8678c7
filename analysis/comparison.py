"""Comparison: differences against the rest of the wave and the previous wave, z-tests and the
Benjamini-Hochberg adjustment per family.
"""
from __future__ import annotations

import math

from . import stats
from .estimation import clean, nps_of, top2_of
from .suppression import MARKER

ALPHA = 0.05


class Tests:
    """Collects comparison results so p-values are adjusted once per family (Benjamini-Hochberg)."""

    def __init__(self):
        self.families: dict[str, list[dict]] = {}

    def add(self, family: str, a: stats.Estimate, b: stats.Estimate, digits: int, extra=None) -> dict:
        result = stats.difference_test(a, b)
        out = {**(extra or {}), "family": family, "difference": clean(round(result["difference"], digits)),
               "z": clean(round(result["z"], 3)) if not math.isnan(result["z"]) else None,
               "p": clean(result["p"]), "df": result["df"], "p_adjusted": None, "significant": False}
        self.families.setdefault(family, []).append(out)
        return out

    def adjust(self) -> None:
        for tests in self.families.values():
            adjust_family(tests)
            for test in tests:
                test["p"] = None if test["p"] is None else float(round(test["p"], 6))


def adjust_family(tests: list[dict]) -> None:
    """Benjamini-Hochberg over one family of test dicts (``p``), in place: ``p_adjusted``, ``significant``."""
    p = [t["p"] if t.get("p") is not None else float("nan") for t in tests]
    for test, adjusted in zip(tests, stats.benjamini_hochberg(p), strict=True):
        test["p_adjusted"] = None if math.isnan(adjusted) else float(round(adjusted, 6))
        test["significant"] = bool(test["p_adjusted"] is not None and test["p_adjusted"] < ALPHA)


def comparisons(row, other, specs, nps_id, tests, family, digits, threshold: int = 1,
                hidden: frozenset | set = frozenset(), prefix_fields=None):
    """NPS and top-2-box differences row - other (the sampling model of the intervals: no FPC).

    Suppression: a comparison is published only when both sides have at least ``threshold``
    answers to that question and the question is not hidden (``hidden``: question ids the
    suppression plan of either side withholds, ``"nps"`` for the NPS); otherwise the marker.
    A comparison publishes ``other`` and ``difference``, so a hidden side would be recovered.
    """
    out = {}
    if nps_id:
        a, b = nps_of(row), nps_of(other)
        if a.n and b.n:
            if a.n < threshold or b.n < threshold or "nps" in hidden:
                out["nps"] = MARKER
            else:
                out["nps"] = tests.add(family, a, b, digits,
                                       {**(prefix_fields or {}), "other": clean(round(b.value, digits))})
    top2 = {}
    for spec in specs:
        if spec.type == "rating":
            a, b = top2_of(row, spec.id), top2_of(other, spec.id)
            if a.n and b.n:
                if a.n < threshold or b.n < threshold or spec.id in hidden:
                    top2[spec.id] = MARKER
                else:
                    top2[spec.id] = tests.add(family, a, b, 4, {"other": clean(round(b.value, 4))})
    out["csat_top2"] = top2
    return out
