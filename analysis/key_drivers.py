"""Key drivers of the scorecard: relative weights per segment, their partner bootstrap, and "fix first".

Each segment (overall, and every segment of the ``by`` dimensions) is reduced once to per-unit sums
(``drivers.unit_sums``). A unit is a partner; in a segment of more than ``DRIVER_UNITS`` partners it
is one of ``DRIVER_UNITS`` equal-size, seeded random groups of partners (random groups: the group
sums are independent like the partners', with the same covariance up to a factor 1 - 2/DRIVER_UNITS,
so resampling groups keeps a replicate at O(DRIVER_UNITS x k²) however many partners there are).
Point estimates come from the units' totals, i.e. from every respondent of the segment.

Fix first (``fix_first_split``): a driver whose importance is clearly above the average importance
(the lower end of its bootstrap interval above 1/k, k = drivers in the segment) and whose
satisfaction is low (top-2-box share below the median of the wave's rating questions).
"""
from __future__ import annotations

import numpy as np

from . import stats
from .drivers import (
    answer_patterns,
    bootstrap_from_sums,
    fix_first,
    row_products,
    select_columns,
    unit_sums,
    weights_from_sums,
)
from .estimation import Respondents
from .frame import QuestionSpec
from .suppression import MARKER

DRIVER_MIN_N = 30
DRIVER_UNITS = 2000  # larger segments: bootstrap over this many random groups of partners
DRIVER_REPLICATES, DRIVER_SEED, DRIVER_LEVEL = 200, 0, 0.90  # bootstrap over partners


def key_drivers(prep: Respondents, specs: list[QuestionSpec], nps_id: str, by: str | list[str] | None,
                threshold: int, replicates: int = DRIVER_REPLICATES, seed: int = DRIVER_SEED) -> list[dict]:
    """Relative-weight drivers and the fix-first list overall and per segment of each dimension in ``by``.

    A program question counts only among respondents whose partner is in that program. Each
    driver carries a 90% interval of its importance and how often it ranks first / in the top 3
    over ``replicates`` bootstrap resamples of partners. Drivers that fail the fix-first rule
    (``fix_first_split``) are listed under ``not_distinguishable`` with the ``reason``.
    """
    ratings = [s for s in specs if s.type == "rating"]
    min_n = max(DRIVER_MIN_N, threshold)
    columns = [nps_id] + [s.id for s in ratings]
    values = np.empty((prep.n, len(columns)))
    for j, column in enumerate(columns):  # column by column: no second frame-sized copy
        values[:, j] = prep.frame[column].to_numpy(dtype=float)
    for j, spec in enumerate(ratings, start=1):
        if spec.program:
            values[~_program_members(prep, spec.program), j] = np.nan
    top2 = np.zeros((prep.n, len(ratings)), dtype=bool)
    for j, spec in enumerate(ratings, start=1):
        top2[:, j - 1] = values[:, j] >= stats.top2_threshold(spec.scale or 5)
    dims = [d.strip() for d in by.split(",") if d.strip()] if isinstance(by, str) else list(by or [])
    groups = [({}, np.arange(prep.n))]
    for dim in dims if prep.n else []:  # no respondents: overall only
        codes = prep.codes(dim)
        rows, seg = prep.members(dim)
        groups += [({dim: label}, rows[seg == k]) for k, label in enumerate(codes.labels)]
    median = wave_median_top2(values, top2, min_n)
    patterns = answer_patterns(values)
    products = row_products(values, top2)
    out = []
    for segment, rows in groups:
        units, n_partners = _dense(prep.partner_codes[rows])
        if len(rows) < min_n or n_partners < max(threshold, 2):
            out.append({"segment": segment, "status": "insufficient", "n": MARKER if len(rows) < threshold
                        else len(rows), "sampled": None, "r2": None, "fix_first": [], "not_distinguishable": []})
            continue
        sums = unit_sums(values, _grouped(units, n_partners, seed), top2, rows, patterns, products=products)
        head = {"segment": segment, "n": len(rows), "partners": n_partners}
        out.append(_segment_drivers(head, sums, columns, min_n, median, replicates, seed))
    return out


def _segment_drivers(head: dict, sums: dict, columns: list[str], min_n: int, median: float | None,
                     replicates: int, seed: int) -> dict:
    """One segment's driver entry (``head``: segment, n, partners) from its per-unit sums."""
    total = {name: sums[name].sum(axis=0) for name in ("n", "sx", "sxx", "sxy", "answered", "top2")}
    result = weights_from_sums(total, columns, min_n)
    share = {q: float(total["top2"][j] / total["answered"][j])
             for j, q in enumerate(columns[1:]) if total["answered"][j] >= min_n}
    ranked = fix_first(result["weights"], share)
    if ranked:
        used = [columns.index(r["question"]) for r in ranked]
        boot = bootstrap_from_sums(select_columns(sums, [0, *used]), min_n, replicates=replicates, seed=seed,
                                   level=DRIVER_LEVEL)
        for i, row in enumerate(ranked):
            row.update({"importance_low": boot["low"][i], "importance_high": boot["high"][i],
                        "rank_first": boot["first"][i], "rank_top3": boot["top3"][i]})
    chosen, others = fix_first_split(ranked, median)
    grouped = head["partners"] > DRIVER_UNITS
    return {"segment": head["segment"], "status": "ok" if result["weights"] else "insufficient",
            "n": head["n"], "partners": head["partners"], "sampled": None,
            "r2": None if result["r2"] is None else round(result["r2"], 4),
            "bootstrap": {"unit": "partner", "replicates": replicates, "seed": seed, "level": DRIVER_LEVEL,
                          **({"partner_groups": DRIVER_UNITS} if grouped else {})},
            "fix_first_rule": {"importance_low_above": round(1 / len(ranked), 4) if ranked else None,
                               "top2_below": None if median is None else round(median, 4)},
            "fix_first": [_driver_row(r) for r in chosen],
            "not_distinguishable": [{**_driver_row(r), "rank": None, "reason": r["reason"]} for r in others]}


def fix_first_split(ranked: list[dict], wave_median: float | None) -> tuple[list[dict], list[dict]]:
    """Split drivers (``drivers.fix_first`` order, with ``importance_low``) into fix first and the rest.

    Fix first: ``importance_low`` above the average importance 1/k (weights sum to one over the k
    drivers) and ``performance_top2`` below ``wave_median``. The others get ``reason``: the failed
    criteria, "importance" and/or "satisfaction". Fix-first ranks count only the chosen.
    """
    chosen, others = [], []
    for row in ranked:
        reason = []
        if not row.get("importance_low", -1.0) > 1.0 / len(ranked):
            reason.append("importance")
        if wave_median is None or row["performance_top2"] is None or not row["performance_top2"] < wave_median:
            reason.append("satisfaction")
        (others if reason else chosen).append({**row, "reason": reason})
    for rank, row in enumerate(chosen, start=1):
        row["rank"] = rank
    return chosen, others


def wave_median_top2(values: np.ndarray, top2: np.ndarray, min_n: int) -> float | None:
    """Median over the rating questions (``values``' columns after the outcome) of their top-2-box share."""
    answered = ~np.isnan(values[:, 1:])
    counts = answered.sum(axis=0)
    shares = [float(top2[answered[:, j], j].mean()) for j in range(top2.shape[1]) if counts[j] >= min_n]
    return float(np.median(shares)) if shares else None


def _dense(codes: np.ndarray) -> tuple[np.ndarray, int]:
    """``codes`` renumbered 0.. in ascending order of the original codes, and how many there are."""
    seen = np.bincount(codes) > 0 if len(codes) else np.zeros(0, bool)
    return (np.cumsum(seen) - 1)[codes], int(seen.sum())


def _grouped(units: np.ndarray, n_partners: int, seed: int) -> np.ndarray:
    """Partner codes as they are, or beyond ``DRIVER_UNITS`` partners a seeded equal-size random group each."""
    if n_partners <= DRIVER_UNITS:
        return units
    group = np.empty(n_partners, dtype=np.int64)
    group[np.random.default_rng([seed, n_partners]).permutation(n_partners)] = np.arange(n_partners) % DRIVER_UNITS
    return group[units]


def _program_members(prep: Respondents, program: str) -> np.ndarray:
    """True for respondents whose partner was in ``program`` (the response's programs snapshot)."""
    codes = prep.codes("program") if prep.n else None
    member = np.zeros(prep.n, dtype=bool)
    if prep.n and program in codes.labels:
        rows, seg = prep.members("program")
        member[rows[seg == codes.labels.index(program)]] = True
    return member



def _driver_row(row: dict) -> dict:
    def rounded(key, digits=4):
        return None if row.get(key) is None else round(float(row[key]), digits)
    return {"question": row["question"], "importance": rounded("importance"),
            "importance_low": rounded("importance_low"), "importance_high": rounded("importance_high"),
            "rank_first": rounded("rank_first", 3), "rank_top3": rounded("rank_top3", 3),
            "performance_top2": rounded("performance_top2"), "priority": rounded("priority"), "rank": row["rank"]}
