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


def _invited(invitations: pd.DataFrame, labels: pd.Series) -> pd.Series:
    """Invitations per label (invitation atoms carry their count)."""
    from .estimation import invitation_weights

    return pd.Series(invitation_weights(invitations), index=labels.index).groupby(labels.to_numpy()).sum()


def cell_weights(units: pd.DataFrame, invitations: pd.DataFrame | None) -> tuple[np.ndarray, str] | None:
    """A weight per unit (a respondent, or an atom of ``n`` respondents), with mean 1 over
    respondents, and the method; None when the invited population is unknown.

    Every respondent of a tier x region cell gets the same weight, so atoms weigh exactly as
    their respondents would."""
    counts = units["n"].to_numpy(dtype=float) if "n" in units else np.ones(len(units))
    if invitations is None or invitations.empty or not len(units) or counts.sum() <= 0 \
            or any(d not in invitations or d not in units for d in DIMENSIONS):
        return None
    cell = _cells(units)
    population = _invited(invitations, _cells(invitations))
    sample = pd.Series(counts).groupby(cell.to_numpy()).sum()
    sparse = any(sample.get(c, 0) < MIN_CELL for c in population.index)
    if not sparse:
        share = (population / population.sum()) / (sample / sample.sum())
        w = cell.map(share).fillna(1.0).to_numpy(dtype=float)
        return w / (np.dot(counts, w) / counts.sum()), "post-stratification (tier x region)"
    w = np.ones(len(units))
    targets = {}
    for d in DIMENSIONS:
        invited = _invited(invitations, invitations[d].fillna("(unknown)").astype(str))
        targets[d] = invited / invited.sum()
    labels = {d: units[d].fillna("(unknown)").astype(str).to_numpy() for d in DIMENSIONS}
    for _ in range(RAKING_ITERATIONS):
        before = w.copy()
        for d in DIMENSIONS:
            current = pd.Series(w * counts).groupby(labels[d]).sum() / np.dot(w, counts)
            factor = (targets[d] / current).reindex(current.index).fillna(1.0)
            w = w * factor.reindex(labels[d]).to_numpy()
        if np.max(np.abs(w - before)) < 1e-10:
            break
    return w / (np.dot(counts, w) / counts.sum()), "raking to tier and region margins (sparse tier x region cells)"


def weights(respondents: pd.DataFrame, invitations: pd.DataFrame | None) -> tuple[np.ndarray, str] | None:
    """Per-respondent weights (mean 1) and the method, or None when the invited population is unknown."""
    return cell_weights(respondents.drop(columns=["n"], errors="ignore"), invitations)


def weighted_nps_of_units(units: pd.DataFrame, w: np.ndarray) -> stats.Estimate:
    """Weighted NPS of units carrying ``nps_pro``, ``nps_det``, ``nps_n`` (per respondent or per
    atom) with a cluster-robust linearised standard error (partner = cluster)."""
    answered = units["nps_n"].to_numpy(dtype=float)
    keep = answered > 0
    if not keep.any():
        nan = float("nan")
        return stats.Estimate(nan, nan, nan, nan, 0)
    classes = (units["nps_pro"].to_numpy(dtype=float) - units["nps_det"].to_numpy(dtype=float))[keep]
    w, answered = w[keep], answered[keep]
    total = float(np.dot(w, answered))
    if total <= 0:
        nan = float("nan")
        return stats.Estimate(nan, nan, nan, nan, 0)
    mean = float(np.dot(w, classes) / total)
    scores = pd.Series(w * (classes - mean * answered)).groupby(units["partner_id"].to_numpy()[keep]).sum()
    g = len(scores)
    var = (g / (g - 1) if g > 1 else 1.0) * float((scores ** 2).sum()) / total ** 2
    value, se = 100 * mean, 100 * math.sqrt(var)
    adjusted = False
    if se <= 0:  # every answer in one class: the adjusted variance of the unweighted classes
        n = float(answered.sum())
        pro, det = float(units["nps_pro"].to_numpy(dtype=float)[keep].sum()), \
            float(units["nps_det"].to_numpy(dtype=float)[keep].sum())
        se, adjusted = 100 * math.sqrt(stats.nps_variance(pro, det, n)[0] / max(n, 1.0)), True
    crit = stats.critical(g if g > 1 else None)
    return stats.Estimate(value, max(value - crit * se, -100.0), min(value + crit * se, 100.0), se,
                          int(round(answered.sum())), clusters=g if g > 1 else None, adjusted=adjusted)


def weighted_nps(respondents: pd.DataFrame, nps_id: str, w: np.ndarray) -> stats.Estimate:
    """Weighted NPS of respondents (one row each) with a cluster-robust linearised standard error."""
    score = respondents[nps_id].to_numpy(dtype=float)
    units = pd.DataFrame({"partner_id": respondents["partner_id"].to_numpy(), "nps_n": (~np.isnan(score)) * 1.0,
                          "nps_pro": (score >= 9) * 1.0, "nps_det": (score <= 6) * 1.0})
    return weighted_nps_of_units(units, w)


def kish_n(w: np.ndarray, counts: np.ndarray | None = None) -> float:
    """Kish effective sample size (sum w)² / sum w² (``counts``: respondents per weight)."""
    counts = np.ones(len(w)) if counts is None else counts
    return float(np.dot(counts, w) ** 2 / np.dot(counts, w ** 2)) if len(w) else 0.0


def headline(current, previous, nps_id: str | None, threshold: int, digits: int = 1):
    """The weighted headline: NPS now, the previous wave's, the change and its test (or None).

    ``current``/``previous``: ``estimation.Prepared`` (atoms and invitations) or None."""
    if not nps_id or current is None or current.respondents < threshold:
        return None
    now = cell_weights(current.frame, current.invitations)
    if now is None:
        return None
    w, method = now
    counts = current.frame["n"].to_numpy(dtype=float)
    estimate = weighted_nps_of_units(current.frame, w)
    kish = kish_n(w, counts)
    out = {"method": method, "nps": {**_rounded(estimate, digits), "n_effective": round(kish, 1)},
           "design_effect_of_weights": round(counts.sum() / kish, 3), "vs_previous": None}
    if previous is not None and previous.respondents >= threshold:
        before = cell_weights(previous.frame, previous.invitations)
        if before is not None:
            old = weighted_nps_of_units(previous.frame, before[0])
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
