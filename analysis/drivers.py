"""Key drivers: Johnson's relative weights of rating questions on the recommend score.

Relative weights cope with correlated predictors: the predictors are replaced by their
closest orthogonal counterparts Z (via the eigen-decomposition of their correlation matrix
R = V D V', Lambda = V D^1/2 V'), the outcome is regressed on Z (beta = Lambda^-1 r_xy) and each
predictor gets eps_j = sum_k Lambda_jk² beta_k². The eps sum to the model R²; divided by R² they
sum to one. Correlations are pairwise-complete, so a program question answered only by that
program's users still counts.

``bootstrap_drivers`` states the uncertainty: it resamples partners (all contacts of a partner
move together), from per-partner sums of the correlation statistics, so each of the replicates
is a few matrix products and one batched eigen-decomposition.
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
    raw, _ = _raw_weights(corr)
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
    return _correlation(m.T @ m, x.T @ m, (x * x).T @ m, x.T @ x, min_n)


def _correlation(n, sx, sxx, sxy, min_n: int) -> np.ndarray:
    """Correlations (stacked on leading axes) from common counts, sums, sums of squares, cross sums.

    ``sx[i, j]`` is the sum of x_i over rows where x_j is present (likewise ``sxx``)."""
    sx_t = np.swapaxes(sx, -1, -2)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sxy - sx * sx_t / n
        var_i = sxx - sx ** 2 / n
        corr = cov / np.sqrt(var_i * np.swapaxes(var_i, -1, -2))
    corr = np.where((n < min_n) | ~np.isfinite(corr), 0.0, corr)
    k = corr.shape[-1]
    corr[..., np.arange(k), np.arange(k)] = 1.0
    return np.clip(corr, -1.0, 1.0)


def _raw_weights(corr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Raw relative weights (..., k) and the sign of each predictor's correlation with the outcome."""
    rxx, rxy = corr[..., 1:, 1:].copy(), corr[..., 1:, 0]
    k = rxx.shape[-1]
    rxx[..., np.arange(k), np.arange(k)] = 1.0
    eigenvalues, eigenvectors = np.linalg.eigh(rxx)
    root = np.sqrt(np.clip(eigenvalues, 0.0, None))
    lam = (eigenvectors * root[..., None, :]) @ np.swapaxes(eigenvectors, -1, -2)
    beta = (np.linalg.pinv(lam) @ rxy[..., None])[..., 0]
    raw = (lam ** 2) @ (beta ** 2)[..., None]
    return raw[..., 0], np.sign(rxy)


def partner_sums(values: np.ndarray, partners: np.ndarray, top2: np.ndarray) -> dict[str, np.ndarray]:
    """Per-partner sums behind pairwise correlations and top-2-box shares.

    ``values``: rows x columns (outcome first, NaN = not answered); ``partners``: integer code per
    row; ``top2``: rows x predictors, 1 where the answer is in the top two boxes."""
    order = np.argsort(partners, kind="stable")
    codes, v, t = partners[order], values[order], top2[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else np.array([], int)
    present = ~np.isnan(v)
    # columns x rows: reduceat along the contiguous axis is several times faster
    x, m = np.ascontiguousarray(np.where(present, v, 0.0).T), np.ascontiguousarray(present.T, dtype=float)
    k = v.shape[1]
    out = {name: np.empty((len(starts), k, k)) for name in ("n", "sx", "sxx", "sxy")}
    for i in range(k):  # one column at a time keeps memory at rows x columns
        out["n"][:, i, :] = np.add.reduceat(m[i] * m, starts, axis=1).T
        out["sx"][:, i, :] = np.add.reduceat(x[i] * m, starts, axis=1).T
        out["sxx"][:, i, :] = np.add.reduceat(x[i] ** 2 * m, starts, axis=1).T
        out["sxy"][:, i, :] = np.add.reduceat(x[i] * x, starts, axis=1).T
    out["answered"] = np.add.reduceat(m[1:], starts, axis=1).T
    out["top2"] = np.add.reduceat(np.where(present[:, 1:], t, 0.0).T, starts, axis=1).T
    return out


def bootstrap_drivers(values: np.ndarray, partners: np.ndarray, top2: np.ndarray, min_n: int,
                      replicates: int = 200, seed: int = 0, level: float = 0.90) -> dict[str, np.ndarray]:
    """Importance intervals and rank stability from a bootstrap over partners.

    Each replicate draws partners with replacement (as counts per partner) and recomputes the
    relative weights and the fix-first priority. Importance is signed by the direction of the
    predictor's correlation with the outcome, so a question unrelated to it gets an interval
    around zero. Returns per predictor ``low``/``high`` (the ``level`` percentile interval),
    ``first`` and ``top3`` (share of replicates in which its priority ranks first / in the top 3).
    """
    return bootstrap_from_sums(partner_sums(values, partners, top2), min_n, replicates, seed, level)


def select_sums(sums: dict[str, np.ndarray], groups: np.ndarray, columns: list[int]) -> dict[str, np.ndarray]:
    """Sums of ``groups`` (indices into ``sums``) added up per partner, for ``columns`` (0 = outcome).

    ``groups`` is a list of (group index, partner code) pairs as a 2 x G array; groups of one
    partner (e.g. a partner whose contacts' snapshots differ) are merged."""
    order = np.argsort(groups[1], kind="stable")
    index, partner = groups[0][order], groups[1][order]
    starts = np.flatnonzero(np.r_[True, partner[1:] != partner[:-1]]) if len(partner) else np.array([], int)
    square = np.ix_(columns, columns)
    predictors = [c - 1 for c in columns[1:]]
    out = {name: np.add.reduceat(sums[name][index][:, square[0], square[1]], starts)
           for name in ("n", "sx", "sxx", "sxy")}
    out.update({name: np.add.reduceat(sums[name][index][:, predictors], starts) for name in ("answered", "top2")})
    return out


def bootstrap_from_sums(sums: dict[str, np.ndarray], min_n: int, replicates: int = 200, seed: int = 0,
                        level: float = 0.90) -> dict[str, np.ndarray]:
    """``bootstrap_drivers`` from per-partner sums (``partner_sums``)."""
    n_partners, k = sums["n"].shape[0], sums["n"].shape[1] - 1
    draws = np.random.default_rng(seed).integers(0, n_partners, (replicates, n_partners))
    counts = np.bincount((draws + np.arange(replicates)[:, None] * n_partners).ravel(),
                         minlength=replicates * n_partners).reshape(replicates, n_partners).astype(float)
    names = ("n", "sx", "sxx", "sxy")
    stacked = counts @ np.concatenate([sums[name].reshape(n_partners, -1) for name in names], axis=1)
    total = dict(zip(names, stacked.reshape(replicates, len(names), k + 1, k + 1).transpose(1, 0, 2, 3),
                     strict=True))
    raw, sign = _raw_weights(_correlation(total["n"], total["sx"], total["sxx"], total["sxy"], min_n))
    r2 = raw.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        weights = np.where(r2 > 0, raw / r2, 0.0)
        share = (counts @ sums["top2"]) / (counts @ sums["answered"])
    priority = np.where(np.isfinite(share), weights * (1.0 - share), -np.inf)
    rank = np.argsort(np.argsort(-priority, axis=1, kind="stable"), axis=1)  # 0 = first
    tail = (1.0 - level) / 2
    signed = weights * np.where(sign == 0, 1.0, sign)
    return {"low": np.quantile(signed, tail, axis=0), "high": np.quantile(signed, 1 - tail, axis=0),
            "first": (rank == 0).mean(axis=0), "top3": (rank < min(3, k)).mean(axis=0)}
