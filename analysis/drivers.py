"""Key drivers: Johnson's relative weights of rating questions on the recommend score.

Relative weights cope with correlated predictors: the predictors are replaced by their
closest orthogonal counterparts Z (via the eigen-decomposition of their correlation matrix
R = V D V', Lambda = V D^1/2 V'), the outcome is regressed on Z (beta = Lambda^-1 r_xy) and each
predictor gets eps_j = sum_k Lambda_jk² beta_k². The eps sum to the model R²; divided by R² they
sum to one. Correlations are pairwise-complete, so a program question answered only by that
program's users still counts.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def relative_weights(frame: pd.DataFrame, outcome: str, predictors: list[str], min_n: int = 30) -> dict:
    """R² and normalised relative weights {question: weight} (empty when not estimable)."""
    usable = [p for p in predictors if frame[p].notna().sum() >= min_n and frame[p].nunique() > 1]
    data = frame[[outcome, *usable]].astype(float)
    if len(usable) == 0 or data[outcome].notna().sum() < min_n or data[outcome].nunique() < 2:
        return {"r2": None, "weights": {}}
    corr = pairwise_correlation(data.to_numpy(), min_n)
    rxx, rxy = corr[1:, 1:].copy(), corr[1:, 0].copy()
    np.fill_diagonal(rxx, 1.0)
    eigenvalues, eigenvectors = np.linalg.eigh(rxx)
    eigenvalues = np.clip(eigenvalues, 0.0, None)
    lam = eigenvectors @ np.diag(np.sqrt(eigenvalues)) @ eigenvectors.T
    beta = np.linalg.pinv(lam) @ rxy
    raw = (lam ** 2) @ (beta ** 2)
    r2 = float(raw.sum())
    if r2 <= 0:
        return {"r2": 0.0, "weights": {p: 0.0 for p in usable}}
    return {"r2": r2, "weights": {p: float(w / r2) for p, w in zip(usable, raw, strict=True)}}


def fix_first(weights: dict[str, float], top2: dict[str, float]) -> list[dict]:
    """Importance x performance: priority = weight x (1 - top-2-box share), highest first."""
    rows = [{"question": q, "importance": w, "performance_top2": top2.get(q),
             "priority": w * (1.0 - top2[q]) if top2.get(q) is not None else None}
            for q, w in weights.items()]
    rows.sort(key=lambda r: (-(r["priority"] if r["priority"] is not None else -1), r["question"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def pairwise_correlation(values: np.ndarray, min_n: int) -> np.ndarray:
    """Pearson correlations on pairwise-complete rows (as ``DataFrame.corr``), via matrix products.

    Pairs with fewer than ``min_n`` common rows or no variance get 0.
    """
    present = ~np.isnan(values)
    x = np.where(present, values, 0.0)
    m = present.astype(float)
    n = m.T @ m                      # common rows of i and j
    sx = x.T @ m                     # sum of x_i over rows where j is present
    sxx = (x * x).T @ m
    sxy = x.T @ x
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sxy - sx * sx.T / n
        var_i = sxx - sx ** 2 / n
        corr = cov / np.sqrt(var_i * var_i.T)
    corr[(n < min_n) | ~np.isfinite(corr)] = 0.0
    np.fill_diagonal(corr, 1.0)
    return np.clip(corr, -1.0, 1.0)
