"""Survey statistics: NPS, CSAT, intervals, z- and t-tests and multiple-comparison correction.

Everything here works on plain numbers or numpy arrays so it can be checked by hand.
The normal distribution comes from ``math.erf`` and Student's t from the regularised incomplete
beta function (no scipy on the request path or in the Lambda layer).

Sampling model (docs/analysis.md, "Sampling model"): respondents chose themselves, so they are
not a random sample without replacement from the invited list and the finite-population
correction does not apply; every interval and every test treats the respondents as draws from
the process that produces partner experience (no FPC anywhere). Estimates that are
cluster-robust by partner use Student's t with G - 1 degrees of freedom (G partners).
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from . import student_t

Z95 = 1.959963984540054  # two-sided 95% normal quantile
#: from this many clusters on, t(G-1) and the normal quantile differ by less than 0.5%
LARGE_G = 400


def t_two_sided_p(t: float, df: float) -> float:
    """Two-sided p-value of Student's t with ``df`` degrees of freedom (``student_t``)."""
    if math.isinf(t):
        return 0.0
    return student_t.two_sided_p(t, df)


def t_quantile(df: float, level: float = 0.95) -> float:
    """Two-sided critical value of Student's t: P(|T| <= q) = level."""
    return student_t.two_sided_critical(level, df)


@functools.lru_cache(maxsize=4096)
def critical(clusters: int | None) -> float:
    """95% critical value: t with G - 1 degrees of freedom for G clusters (partners), else normal."""
    if clusters is None or clusters >= LARGE_G:
        return Z95
    return t_quantile(max(int(clusters) - 1, 1))


def normal_cdf(x: float) -> float:
    """Standard normal cumulative distribution function."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def two_sided_p(z: float) -> float:
    """Two-sided p-value of a standard normal test statistic."""
    if math.isnan(z):
        return float("nan")
    return 2.0 * (1.0 - normal_cdf(abs(z)))


def nps_class(scores: np.ndarray) -> np.ndarray:
    """+1 promoter (9-10), -1 detractor (0-6), 0 passive (7-8)."""
    scores = np.asarray(scores, dtype=float)
    return np.where(scores >= 9, 1.0, np.where(scores <= 6, -1.0, 0.0))


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a 95% interval and its standard error (in the estimate's units).

    ``clusters``: the number of partners a cluster-robust estimate rests on (its interval and tests
    use t with ``clusters - 1`` degrees of freedom); None for a simple-random-sampling estimate.
    ``adjusted``: True when every answer fell in one category, so the plain standard error would be
    0; the interval then comes from the add-one-per-category variance (never zero width).
    """

    value: float
    low: float
    high: float
    se: float
    n: int
    clusters: int | None = None
    adjusted: bool = False

    def to_dict(self, digits: int = 1) -> dict:
        out = {"value": round(self.value, digits), "ci_low": round(self.low, digits),
               "ci_high": round(self.high, digits), "se": round(self.se, digits + 2), "n": self.n}
        if self.clusters is not None:
            out["partners"] = int(self.clusters)
        if self.adjusted:
            out["interval"] = "adjusted: all answers in one category"
        return out


def nps_variance(promoters: float, detractors: float, n: float) -> tuple[float, bool]:
    """Per-answer variance of the NPS classes, and whether it was adjusted: when all answers share
    one class the plain variance is 0, and one pseudo-answer of each class is added (n + 3)."""
    p, d = promoters / n, detractors / n
    var = max(p + d - (p - d) ** 2, 0.0)
    if var > 0:
        return var, False
    p, d = (promoters + 1) / (n + 3), (detractors + 1) / (n + 3)
    return (p + d - (p - d) ** 2) * n / (n + 3), True


def nps_from_counts(promoters: int, detractors: int, n: int) -> Estimate:
    """NPS = 100(p - d) with variance 100²(p + d - (p - d)²)/n (adjusted when that is 0)."""
    if n <= 0:
        nan = float("nan")
        return Estimate(nan, nan, nan, nan, 0)
    value = 100.0 * (promoters - detractors) / n
    var, adjusted = nps_variance(promoters, detractors, n)
    se = 100.0 * math.sqrt(var / n)
    return Estimate(value, max(value - Z95 * se, -100.0), min(value + Z95 * se, 100.0), se, n, adjusted=adjusted)


def nps(scores) -> Estimate:
    """Respondent-level NPS of 0-10 scores (NaN ignored)."""
    scores = np.asarray(scores, dtype=float)
    scores = scores[~np.isnan(scores)]
    return nps_from_counts(int((scores >= 9).sum()), int((scores <= 6).sum()), len(scores))


def weighted_mean(values, weights=None, scale: float = 1.0) -> Estimate:
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
    se = math.sqrt(float((w ** 2 * (x - mean) ** 2).sum()) / total ** 2)
    value, se = mean * scale, se * scale
    return Estimate(value, value - Z95 * se, value + Z95 * se, se, int(len(x)))


def wilson(successes: int, n: int, design_effect: float = 1.0, clusters: int | None = None) -> Estimate:
    """Share with a Wilson score interval on the effective n = n / design effect.

    ``design_effect``: variance inflation of a clustered sample (e.g. several contacts per partner);
    the standard error is then sqrt(p(1-p)/n · deff), the cluster-robust one, and the critical value
    is t with ``clusters - 1`` degrees of freedom. A share of 0 or 1 keeps a one-sided interval of
    positive width (Wilson), never a zero-width one.
    """
    if n <= 0:
        nan = float("nan")
        return Estimate(nan, nan, nan, nan, 0)
    p = successes / n
    deff = design_effect if design_effect > 0 and not math.isnan(design_effect) else 1.0
    n_eff = n / deff
    crit = critical(clusters)
    z2 = crit ** 2
    centre = (p + z2 / (2 * n_eff)) / (1 + z2 / n_eff)
    half = crit * math.sqrt(p * (1 - p) / n_eff + z2 / (4 * n_eff ** 2)) / (1 + z2 / n_eff)
    se, adjusted = math.sqrt(p * (1 - p) / n * deff), False
    if se == 0:  # all answers on one side: one pseudo-answer on each side (Agresti-Caffo) for tests
        q = (successes + 1) / (n + 2)
        se, adjusted = math.sqrt(q * (1 - q) / (n + 2) * deff), True
    return Estimate(p, min(max(centre - half, 0.0), p), max(min(centre + half, 1.0), p), se, n, clusters=clusters,
                    adjusted=adjusted)


def mean_variance_floor(mean: float, n: int, scale: int | None) -> float:
    """Variance of the mean when every rating is the same: two pseudo-ratings at the scale's ends
    are added (n + 2), so a unanimous group still gets an interval of positive width."""
    low, high = 1.0, float(scale or 5)
    values_sq = n * mean ** 2 + low ** 2 + high ** 2
    m = (n * mean + low + high) / (n + 2)
    var = max(values_sq / (n + 2) - m ** 2, 0.0)
    return var / (n + 2)


def mean_interval(values, scale: int | None = None) -> Estimate:
    """Mean with a normal interval mean ± 1.96·s/√n (s with n - 1 degrees of freedom)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        nan = float("nan")
        return Estimate(nan, nan, nan, nan, 0)
    mean = float(x.mean())
    sd = float(x.std(ddof=1)) if n > 1 else 0.0
    se, adjusted = sd / math.sqrt(n), False
    if se == 0:
        se, adjusted = math.sqrt(mean_variance_floor(mean, n, scale)), True
    return Estimate(mean, mean - Z95 * se, mean + Z95 * se, se, n, adjusted=adjusted)


def top2_threshold(scale: int) -> int:
    """Lowest rating counted as top-2-box: 4 on a 1-5 scale, 6 on a 1-7 scale."""
    return scale - 1


def difference_test(a: Estimate, b: Estimate) -> dict:
    """Two-sided test of a - b for independent estimates: (a - b)/sqrt(se_a² + se_b²), referred to
    Student's t with min(G_a, G_b) - 1 degrees of freedom when both are cluster-robust (G partners),
    else to the normal distribution."""
    diff = a.value - b.value
    se = math.sqrt(a.se ** 2 + b.se ** 2)
    if se == 0 or math.isnan(se):
        z = float("nan") if diff == 0 or math.isnan(diff) else math.copysign(math.inf, diff)
    else:
        z = diff / se
    df = None
    if a.clusters is not None and b.clusters is not None and min(a.clusters, b.clusters) < LARGE_G:
        df = max(min(a.clusters, b.clusters) - 1, 1)
    if math.isinf(z):
        p = 0.0
    else:
        p = two_sided_p(z) if df is None else t_two_sided_p(z, df)
    return {"difference": diff, "z": z, "p": p, "df": df}


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
