"""Survey statistics: NPS, CSAT, intervals, z-tests and multiple-comparison correction.

Everything here works on plain numbers or numpy arrays so it can be checked by hand.
The normal distribution comes from ``math.erf`` (no scipy).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054  # two-sided 95% normal quantile


def normal_cdf(x: float) -> float:
    """Standard normal cumulative distribution function."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def two_sided_p(z: float) -> float:
    """Two-sided p-value of a standard normal test statistic."""
    if math.isnan(z):
        return float("nan")
    return 2.0 * (1.0 - normal_cdf(abs(z)))


def fpc(n: int, population: int | None) -> float:
    """Finite-population correction sqrt((N-n)/(N-1)); 1 when N is unknown or 1.

    ``n`` above ``N`` (a snapshot attribute changed after invitations were sent) is clamped to N.
    """
    if not population or population <= 1:
        return 1.0
    return math.sqrt(max(population - min(n, population), 0) / (population - 1))


def nps_class(scores: np.ndarray) -> np.ndarray:
    """+1 promoter (9-10), -1 detractor (0-6), 0 passive (7-8)."""
    scores = np.asarray(scores, dtype=float)
    return np.where(scores >= 9, 1.0, np.where(scores <= 6, -1.0, 0.0))


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a 95% interval and its standard error (in the estimate's units)."""

    value: float
    low: float
    high: float
    se: float
    n: int

    def to_dict(self, digits: int = 1) -> dict:
        return {"value": round(self.value, digits), "ci_low": round(self.low, digits),
                "ci_high": round(self.high, digits), "se": round(self.se, digits + 2), "n": self.n}


def nps_from_counts(promoters: int, detractors: int, n: int, population: int | None = None) -> Estimate:
    """NPS = 100(p - d) with variance 100²(p + d - (p - d)²)/n, times the FPC² when N is known."""
    if n <= 0:
        nan = float("nan")
        return Estimate(nan, nan, nan, nan, 0)
    p, d = promoters / n, detractors / n
    value = 100.0 * (p - d)
    se = 100.0 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n) * fpc(n, population)
    return Estimate(value, max(value - Z95 * se, -100.0), min(value + Z95 * se, 100.0), se, n)


def nps(scores, population: int | None = None) -> Estimate:
    """Respondent-level NPS of 0-10 scores (NaN ignored)."""
    scores = np.asarray(scores, dtype=float)
    scores = scores[~np.isnan(scores)]
    return nps_from_counts(int((scores >= 9).sum()), int((scores <= 6).sum()), len(scores), population)


def weighted_mean(values, weights=None, population: int | None = None, scale: float = 1.0) -> Estimate:
    """Weighted mean with the linearised variance sum(w²(x - m)²)/(sum w)².

    With equal weights this is the population variance over n: for +1/0/-1 NPS classes it is
    exactly the NPS variance formula, so partner-level and revenue-weighted NPS are consistent
    with respondent-level NPS. ``scale`` multiplies value and interval (100 for NPS).
    """
    x = np.asarray(values, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    keep = ~np.isnan(x) & ~np.isnan(w) & (w > 0)
    x, w = x[keep], w[keep]
    if len(x) == 0:
        nan = float("nan")
        return Estimate(nan, nan, nan, nan, 0)
    total = w.sum()
    mean = float((w * x).sum() / total)
    se = math.sqrt(float((w ** 2 * (x - mean) ** 2).sum()) / total ** 2) * fpc(len(x), population)
    value, se = mean * scale, se * scale
    return Estimate(value, value - Z95 * se, value + Z95 * se, se, int(len(x)))


def wilson(successes: int, n: int, population: int | None = None, design_effect: float = 1.0) -> Estimate:
    """Share with a Wilson score interval on the effective n = n / (FPC² · design effect).

    ``design_effect``: variance inflation of a clustered sample (e.g. several contacts per partner);
    the standard error is then sqrt(p(1-p)/n · deff) · FPC, the cluster-robust one.
    """
    if n <= 0:
        nan = float("nan")
        return Estimate(nan, nan, nan, nan, 0)
    p = successes / n
    correction = fpc(n, population)
    if correction == 0.0:  # a census: no sampling error
        return Estimate(p, p, p, 0.0, n)
    deff = design_effect if design_effect > 0 and not math.isnan(design_effect) else 1.0
    n_eff = n / (correction ** 2 * deff)
    z2 = Z95 ** 2
    centre = (p + z2 / (2 * n_eff)) / (1 + z2 / n_eff)
    half = Z95 * math.sqrt(p * (1 - p) / n_eff + z2 / (4 * n_eff ** 2)) / (1 + z2 / n_eff)
    se = math.sqrt(p * (1 - p) / n * deff) * correction
    return Estimate(p, min(max(centre - half, 0.0), p), max(min(centre + half, 1.0), p), se, n)


def mean_interval(values, population: int | None = None) -> Estimate:
    """Mean with a normal interval mean ± 1.96·s/√n·FPC (s with n - 1 degrees of freedom)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        nan = float("nan")
        return Estimate(nan, nan, nan, nan, 0)
    mean = float(x.mean())
    sd = float(x.std(ddof=1)) if n > 1 else 0.0
    se = sd / math.sqrt(n) * fpc(n, population)
    return Estimate(mean, mean - Z95 * se, mean + Z95 * se, se, n)


def top2_threshold(scale: int) -> int:
    """Lowest rating counted as top-2-box: 4 on a 1-5 scale, 6 on a 1-7 scale."""
    return scale - 1


def difference_test(a: Estimate, b: Estimate) -> dict:
    """Two-sided z-test of a - b for independent estimates: z = (a - b)/sqrt(se_a² + se_b²)."""
    diff = a.value - b.value
    se = math.sqrt(a.se ** 2 + b.se ** 2)
    if se == 0 or math.isnan(se):
        z = float("nan") if diff == 0 or math.isnan(diff) else math.copysign(math.inf, diff)
    else:
        z = diff / se
    p = two_sided_p(z) if not math.isinf(z) else 0.0
    return {"difference": diff, "z": z, "p": p}


def benjamini_hochberg(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (false discovery rate), NaN kept as NaN."""
    p = np.asarray(p_values, dtype=float)
    out = np.full_like(p, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    m = len(valid)
    if m == 0:
        return out
    order = valid[np.argsort(p[valid], kind="stable")]
    ranked = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out[order] = np.minimum(adjusted, 1.0)
    return out
