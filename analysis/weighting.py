"""Nonresponse weighting of the headline: respondents weighted to the invited population.

Post-stratification by tier x region: a respondent in cell c gets weight (N_c / N) / (n_c / n),
N counting invitations, n respondents. When a cell with invitations has fewer than ``MIN_CELL``
respondents (sparse), raking (iterative proportional fitting) to the tier and the region margins
replaces it. The weighted NPS has a linearised, cluster-robust standard error (partner = cluster):
var = G/(G-1) * sum_g (sum_i w_i (c_i - m))² / (sum w)². Unweighted figures stay beside it.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import stats

DIMENSIONS = ("tier", "region")
MIN_CELL = 5
RAKING_ITERATIONS = 100


def _cells(frame: pd.DataFrame) -> pd.Series:
    return frame["tier"].fillna("(unknown)").astype(str) + "|" + frame["region"].fillna("(unknown)").astype(str)


def weights(respondents: pd.DataFrame, invitations: pd.DataFrame | None) -> tuple[np.ndarray, str] | None:
    """Per-respondent weights (mean 1) and the method, or None when the invited population is unknown."""
    if invitations is None or invitations.empty or not len(respondents) \
            or any(d not in invitations or d not in respondents for d in DIMENSIONS):
        return None
    cell = _cells(respondents)
    population = _cells(invitations).value_counts()
    sample = cell.value_counts()
    sparse = any(sample.get(c, 0) < MIN_CELL for c in population.index)
    if not sparse:
        share = (population / population.sum()) / (sample / sample.sum())
        w = cell.map(share).fillna(1.0).to_numpy(dtype=float)
        return w / w.mean(), "post-stratification (tier x region)"
    w = np.ones(len(respondents))
    targets = {d: invitations[d].fillna("(unknown)").astype(str).value_counts(normalize=True) for d in DIMENSIONS}
    labels = {d: respondents[d].fillna("(unknown)").astype(str).to_numpy() for d in DIMENSIONS}
    for _ in range(RAKING_ITERATIONS):
        before = w.copy()
        for d in DIMENSIONS:
            current = pd.Series(w).groupby(labels[d]).sum() / w.sum()
            factor = (targets[d] / current).reindex(current.index).fillna(1.0)
            w = w * factor.reindex(labels[d]).to_numpy()
        if np.max(np.abs(w - before)) < 1e-10:
            break
    return w / w.mean(), "raking to tier and region margins (sparse tier x region cells)"


def weighted_nps(respondents: pd.DataFrame, nps_id: str, w: np.ndarray) -> stats.Estimate:
    """Weighted NPS with a cluster-robust linearised standard error (partner = cluster)."""
    score = respondents[nps_id].to_numpy(dtype=float)
    keep = ~np.isnan(score)
    cls, w = stats.nps_class(score[keep]), w[keep]
    if not keep.any() or w.sum() <= 0:
        nan = float("nan")
        return stats.Estimate(nan, nan, nan, nan, 0)
    mean = float((w * cls).sum() / w.sum())
    scores = pd.Series(w * (cls - mean)).groupby(respondents["partner_id"].to_numpy()[keep]).sum()
    g = len(scores)
    var = (g / (g - 1) if g > 1 else 1.0) * float((scores ** 2).sum()) / float(w.sum()) ** 2
    value, se = 100 * mean, 100 * math.sqrt(var)
    return stats.Estimate(value, max(value - stats.Z95 * se, -100.0), min(value + stats.Z95 * se, 100.0), se,
                          int(keep.sum()))


def kish_n(w: np.ndarray) -> float:
    """Kish effective sample size (sum w)² / sum w²."""
    return float(w.sum() ** 2 / (w ** 2).sum()) if len(w) else 0.0


def headline(current, previous, nps_id: str | None, threshold: int, digits: int = 1):
    """The weighted headline: NPS now, the previous wave's, the change and its test (or None)."""
    if not nps_id or len(current.respondents) < threshold:
        return None
    now = weights(current.respondents, current.invitations)
    if now is None:
        return None
    w, method = now
    estimate = weighted_nps(current.respondents, nps_id, w)
    out = {"method": method, "nps": {**_rounded(estimate, digits), "n_effective": round(kish_n(w), 1)},
           "design_effect_of_weights": round(len(w) / kish_n(w), 3), "vs_previous": None}
    if previous is not None and len(previous.respondents) >= threshold:
        before = weights(previous.respondents, previous.invitations)
        if before is not None:
            old = weighted_nps(previous.respondents, nps_id, before[0])
            test = stats.difference_test(estimate, old)
            out["vs_previous"] = {"other": round(old.value, digits), "difference": round(test["difference"], digits),
                                  "z": None if math.isnan(test["z"]) else round(test["z"], 3),
                                  "p": None if math.isnan(test["p"]) else round(test["p"], 6),
                                  "significant": bool(test["p"] < 0.05) if not math.isnan(test["p"]) else False,
                                  "method": before[1]}
    return out


def _rounded(e: stats.Estimate, digits: int) -> dict:
    return {"value": round(e.value, digits), "ci_low": round(e.low, digits), "ci_high": round(e.high, digits),
            "se": round(e.se, digits + 2), "n": e.n}
