"""Key drivers: Johnson's relative weights of rating questions on the recommend score.

Relative weights cope with correlated predictors: the predictors are replaced by their
closest orthogonal counterparts Z (via the eigen-decomposition of their correlation matrix
R = V D V', Lambda = V D^1/2 V'), the outcome is regressed on Z (beta = Lambda^-1 r_xy) and each
predictor gets eps_j = sum_k Lambda_jk² beta_k². The eps sum to the model R²; divided by R² they
sum to one. Correlations are pairwise-complete, so a program question answered only by that
program's users still counts.

``unit_sums`` reduces respondents once to per-unit sums (a unit is a partner, or a group of
partners): common counts, sums, sums of squares and cross sums of [outcome, ratings] under
pairwise-complete handling. The point estimate (``weights_from_sums``) uses their totals and equals
``relative_weights`` over the same rows; ``bootstrap_from_sums`` states the uncertainty by
resampling units, so each replicate is a few matrix products and one batched eigen-decomposition.
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


def weights_from_sums(total: dict[str, np.ndarray], columns: list[str], min_n: int = 30) -> dict:
    """``relative_weights`` from summed statistics (``unit_sums`` added over units): the same result.

    ``columns`` names the outcome then the predictors, in the order of the sums."""
    n, sx, sxx = (np.diagonal(total[name]) for name in ("n", "sx", "sxx"))
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = sxx - np.where(n > 0, sx ** 2 / n, 0.0)
    varies = (n >= min_n) & (spread > 1e-9 * np.maximum(sxx, 1.0))  # "nunique() > 1" on exact sums
    usable = [j for j in range(1, len(columns)) if varies[j]]
    if not usable or not varies[0]:
        return {"r2": None, "weights": {}}
    keep = np.ix_([0, *usable], [0, *usable])
    corr = _correlation(*(total[name][keep] for name in ("n", "sx", "sxx", "sxy")), min_n)
    raw, _ = _raw_weights(corr)
    r2 = float(raw.sum())
    names = [columns[j] for j in usable]
    if r2 <= 0:
        return {"r2": 0.0, "weights": {p: 0.0 for p in names}}
    return {"r2": r2, "weights": {p: float(w / r2) for p, w in zip(names, raw, strict=True)}}


SMALL_ANSWER = 15  # answers 0..15: every product of two fits a byte (``row_products``)


def row_products(values: np.ndarray, top2: np.ndarray, chunk: int = 1 << 16) -> np.ndarray | None:
    """Each row's contribution to ``unit_sums`` as bytes (rows x (1 + k + k(k+1)/2 + k - 1): one, x,
    the upper triangle of x x', top-2 where answered), computed once for every segment; None unless
    every answer is a whole number in 0..``SMALL_ANSWER`` (then the sums are exact in any order)."""
    answered = ~np.isnan(values)
    given = values[answered]
    if len(given) and (given.min() < 0 or given.max() > SMALL_ANSWER or not np.array_equal(given, np.round(given))):
        return None
    k1 = values.shape[1]
    out = np.empty((len(values), 1 + k1 + k1 * (k1 + 1) // 2 + k1 - 1), dtype=np.uint8)
    for a in range(0, len(values), chunk):
        x = np.nan_to_num(values[a:a + chunk], nan=0.0).astype(np.uint8)
        part = out[a:a + chunk]
        part[:, 0], part[:, 1:1 + k1] = 1, x
        at = 1 + k1
        for i in range(k1):  # the upper triangle of x x', row by row (as np.triu_indices)
            np.multiply(x[:, i:i + 1], x[:, i:], out=part[:, at:at + k1 - i])
            at += k1 - i
        np.logical_and(answered[a:a + chunk, 1:], top2[a:a + chunk], out=part[:, at:], casting="unsafe")
    return out


def unit_sums(values: np.ndarray, units: np.ndarray, top2: np.ndarray, rows: np.ndarray | None = None,
              patterns: tuple[np.ndarray, np.ndarray] | None = None, chunk: int = 1 << 14,
              products: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Per-unit sums behind pairwise correlations and top-2-box shares, units in ascending code order.

    ``values``: rows x columns (outcome first, NaN = not answered); ``top2``: rows x predictors, 1 where
    the answer is in the top two boxes; ``rows`` (default all) selects the rows, ``units`` gives each
    selected row's unit. Returns ``n``, ``sx``, ``sxx``, ``sxy`` (units x columns x columns: common
    counts, sums of x_i and of x_i² where x_j is present, cross sums) and ``answered``, ``top2``
    (units x predictors). Rows are summed per (unit, answer pattern) first, as a count, x and x_i x_j:
    the pattern says which answers are present, so the four matrices follow once per pattern.
    ``patterns``: ``answer_patterns(values)``, when already at hand; ``products``: ``row_products``
    of the same values, when at hand (the same sums from bytes: exact, as every summand is whole).
    """
    rows = np.arange(len(values)) if rows is None else np.asarray(rows)
    k1 = values.shape[1]
    codes, patterns = patterns if patterns is not None else answer_patterns(values)
    pattern = codes[rows]
    key = np.asarray(units, dtype=np.int64) * len(patterns) + pattern
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    first = np.r_[True, sorted_key[1:] != sorted_key[:-1]] if len(key) else np.zeros(0, bool)
    key_id, starts = np.cumsum(first) - 1, np.flatnonzero(first)
    tri = np.triu_indices(k1)
    width = 1 + k1 + len(tri[0]) + k1 - 1
    per_key = np.zeros((len(starts), width))
    if products is not None:
        for a in range(0, len(rows), chunk):
            _add_runs(per_key, key_id[a:a + chunk], products[rows[order[a:a + chunk]]], dtype=np.float64)
    else:
        _add_row_terms(per_key, values, top2, rows[order], key_id, chunk)
    mask = patterns[pattern[order[starts]]].astype(float) if len(starts) else np.zeros((0, k1))
    unit_of_key = sorted_key[starts] // len(patterns) if len(starts) else np.zeros(0, np.int64)
    unit_codes, unit_id = np.unique(unit_of_key, return_inverse=True)
    out = {name: np.zeros((len(unit_codes), k1, k1)) for name in ("n", "sx", "sxx", "sxy")}
    out.update({name: np.zeros((len(unit_codes), k1 - 1)) for name in ("answered", "top2")})
    for a in range(0, len(starts), 4096):  # keys x columns² at a time
        sl = slice(a, a + 4096)
        count, m, s = per_key[sl, 0], mask[sl], per_key[sl, 1:1 + k1]
        cross = np.zeros((len(m), k1, k1))
        cross[:, tri[0], tri[1]] = per_key[sl, 1 + k1:1 + k1 + len(tri[0])]
        cross[:, tri[1], tri[0]] = cross[:, tri[0], tri[1]]
        squares = np.diagonal(cross, axis1=1, axis2=2)
        ids = unit_id[sl]
        _add_runs(out["n"], ids, count[:, None, None] * m[:, :, None] * m[:, None, :])
        _add_runs(out["sx"], ids, s[:, :, None] * m[:, None, :])
        _add_runs(out["sxx"], ids, squares[:, :, None] * m[:, None, :])
        _add_runs(out["sxy"], ids, cross)
        _add_runs(out["answered"], ids, count[:, None] * m[:, 1:])
        _add_runs(out["top2"], ids, per_key[sl, 1 + k1 + len(tri[0]):])
    out["units"] = unit_codes
    return out


def answer_patterns(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense code per row of its answer pattern (which columns are not NaN), and the patterns (bool)."""
    k1 = values.shape[1]
    if k1 > 62:
        uniques, code = np.unique(~np.isnan(values), axis=0, return_inverse=True)
        return code.ravel(), uniques
    bits = np.zeros(len(values), dtype=np.int64)
    for j in range(k1):  # column by column: no rows x columns copy
        bits |= (~np.isnan(values[:, j])).astype(np.int64) << j
    code, uniques = pd.factorize(bits)
    uniques = np.asarray(uniques, dtype=np.int64)
    return code, (uniques[:, None] >> np.arange(k1)) & 1 == 1


def _add_row_terms(per_key: np.ndarray, values: np.ndarray, top2: np.ndarray, picked_rows: np.ndarray,
                   key_id: np.ndarray, chunk: int) -> None:
    """``per_key[key] +=`` each row's terms (one, x, the upper triangle of x x', top-2 where answered),
    rows in ``picked_rows`` order with their sorted ``key_id``; width x rows at a time keeps memory flat."""
    k1 = values.shape[1]
    width = per_key.shape[1]
    buffer = np.empty((width, min(chunk, len(picked_rows))))  # one buffer: fresh arrays cost page faults
    for a in range(0, len(picked_rows), chunk):
        picked = picked_rows[a:a + chunk]
        x = values[picked].T
        answered = ~np.isnan(x)
        x = np.where(answered, x, 0.0)
        part = buffer[:, :len(picked)]
        part[0], part[1:1 + k1] = 1.0, x
        at = 1 + k1
        for i in range(k1):  # the upper triangle of x x', row by row (as np.triu_indices)
            np.multiply(x[i], x[i:], out=part[at:at + k1 - i])
            at += k1 - i
        part[at:] = np.where(answered[1:], top2[picked].T, 0.0)
        _add_runs(per_key, key_id[a:a + chunk], part, axis=1)


def _add_runs(out: np.ndarray, ids: np.ndarray, part: np.ndarray, axis: int = 0, dtype=None) -> None:
    """out[g] += the sum of ``part``'s entries along ``axis`` with id g; ``ids`` sorted, so each id is one
    run. ``dtype``: the type to sum in (e.g. float64 for byte-sized terms that would overflow)."""
    if len(ids):
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        summed = np.add.reduceat(part, starts, axis=axis, dtype=dtype)
        out[ids[starts]] += summed.T if axis == 1 else summed


def select_columns(sums: dict[str, np.ndarray], columns: list[int]) -> dict[str, np.ndarray]:
    """The sums restricted to ``columns`` (0 = outcome, which must come first)."""
    square = np.ix_(columns, columns)
    predictors = [c - 1 for c in columns[1:]]
    out = {name: sums[name][:, square[0], square[1]] for name in ("n", "sx", "sxx", "sxy")}
    out.update({name: sums[name][:, predictors] for name in ("answered", "top2")})
    return out


def bootstrap_drivers(values: np.ndarray, partners: np.ndarray, top2: np.ndarray, min_n: int,
                      replicates: int = 200, seed: int = 0, level: float = 0.90) -> dict[str, np.ndarray]:
    """Importance intervals and rank stability from a bootstrap over partners (``bootstrap_from_sums``)."""
    return bootstrap_from_sums(unit_sums(values, partners, top2), min_n, replicates, seed, level)


def bootstrap_from_sums(sums: dict[str, np.ndarray], min_n: int, replicates: int = 200, seed: int = 0,
                        level: float = 0.90) -> dict[str, np.ndarray]:
    """Importance intervals and rank stability from a bootstrap over the units of ``unit_sums``.

    Each replicate draws units with replacement (multinomial counts per unit), adds up their
    matrices and recomputes the relative weights and the fix-first priority: O(units x columns²).
    Importance is signed by the direction of the predictor's correlation with the outcome, so a
    question unrelated to it gets an interval around zero. Returns per predictor ``low``/``high``
    (the ``level`` percentile interval), ``first`` and ``top3`` (share of replicates in which its
    priority ranks first / in the top 3).
    """
    n_units, k = sums["n"].shape[0], sums["n"].shape[1] - 1
    draws = np.random.default_rng(seed).integers(0, n_units, (replicates, n_units))
    counts = np.bincount((draws + np.arange(replicates)[:, None] * n_units).ravel(),
                         minlength=replicates * n_units).reshape(replicates, n_units).astype(float)
    names = ("n", "sx", "sxx", "sxy")
    stacked = counts @ np.concatenate([sums[name].reshape(n_units, -1) for name in names], axis=1)
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
