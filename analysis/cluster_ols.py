"""Least squares with cluster-robust (CR1) covariance, as statsmodels' ``cov_type="cluster"``:
V = c · (X'WX)⁻¹ (Σ_g s_g s_g') (X'WX)⁻¹ with s_g = Σ_{i in g} w_i x_i e_i and
c = G/(G-1) · (N-1)/(N-K). Weighted least squares when ``weights`` are given."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class ClusteredFit:
    params: np.ndarray
    cov: np.ndarray
    clusters: int
    nobs: int

    @property
    def bse(self) -> np.ndarray:
        return np.sqrt(np.clip(np.diag(self.cov), 0.0, None))


def clustered_ols(y, X, groups, weights=None) -> ClusteredFit:
    """Fit y on X (a full-rank design) with partner-clustered covariance."""
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    codes, uniques = pd.factorize(pd.Series(groups))
    n, k = X.shape
    xtwx = X.T @ (X * w[:, None])
    bread = np.linalg.pinv(xtwx)
    params = bread @ (X.T @ (w * y))
    resid = y - X @ params
    scores = X * (w * resid)[:, None]
    g = len(uniques)
    sums = np.zeros((g, k))
    np.add.at(sums, codes, scores)
    meat = sums.T @ sums
    correction = (g / (g - 1) if g > 1 else np.nan) * ((n - 1) / (n - k) if n > k else np.nan)
    cov = correction * bread @ meat @ bread
    return ClusteredFit(params, cov, g, n)
