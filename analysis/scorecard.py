"""The scorecard: every breakdown, interval, comparison and driver list as one stable document.

``build_scorecard`` is the one entry point the CLI (``pulse analyze``), the dashboard's results
snapshot and the leadership report share. Its JSON shape is documented in docs/analysis.md
(schema ``pulse.scorecard/1``); suppressed values are the string ``"suppressed"``, never numbers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import stats
from .drivers import fix_first, relative_weights
from .frame import QuestionSpec
from .segments import DimensionCodes, cross, decode, parse_breakdowns, segment_columns
from .suppression import MARKER, suppress_cells

SCHEMA = "pulse.scorecard/1"
ALPHA = 0.05
DRIVER_MIN_N = 30
DRIVER_SAMPLE = 200_000  # larger segments: drivers from a seeded random sample of this size


@dataclass(frozen=True)
class WaveData:
    """One wave ready for analysis: its respondent frame and (optionally) its invitations."""

    wave_id: str
    respondents: pd.DataFrame
    invitations: pd.DataFrame | None = None
    meta: dict = field(default_factory=dict)
    tidy: pd.DataFrame | None = None  # one row per response x question (comments come from here)


class _Prepared:
    """A wave's per-respondent sufficient statistics as numpy columns, with cached dimension codes."""

    def __init__(self, wave: WaveData, specs: list[QuestionSpec], nps_id: str | None, light: bool = False):
        frame = wave.respondents.reset_index(drop=True)
        self.frame, self.n, self.light = frame, len(frame), light
        columns = _numeric(frame, specs, nps_id, light)
        self.names = list(columns)
        # Every statistic column holds small whole numbers (0/1 flags, ratings, squared ratings), so
        # int8 storage is exact and 8x smaller; np.bincount accumulates in float64 anyway.
        compact = all(np.array_equal(c, np.round(c)) and (c.size == 0 or (c.min() >= 0 and c.max() <= 127))
                      for c in columns.values())
        self.matrix = np.empty((self.n, len(self.names)), dtype=np.int8 if compact else np.float64, order="F")
        for j, name in enumerate(self.names):
            self.matrix[:, j] = columns.pop(name)
        self.partner_codes, partner_ids = pd.factorize(frame["partner_id"])
        self.partner_codes = np.where(self.partner_codes < 0, len(partner_ids), self.partner_codes)
        self.n_partners = len(partner_ids) + 1
        score = frame[nps_id].to_numpy(dtype=float) if nps_id and nps_id in frame else np.full(self.n, np.nan)
        self.cls = np.where(np.isnan(score), np.nan, stats.nps_class(score))
        revenue = np.full(self.n_partners, np.nan)
        if self.n:
            first = ~pd.Series(self.partner_codes).duplicated().to_numpy()
            revenue[self.partner_codes[first]] = frame["annual_revenue"].to_numpy(dtype=float)[first]
        self.partner_revenue = revenue
        self.invitations = wave.invitations
        self._codes: dict = {}
        self._invitation_codes: dict = {}
        self._invited_partners: pd.DataFrame | None = None

    def codes(self, dim: str) -> DimensionCodes:
        if dim not in self._codes:
            self._codes[dim] = DimensionCodes(self.frame, dim)
        return self._codes[dim]

    def invitation_codes(self, dim: str, which: str = "invitations") -> DimensionCodes:
        """Codes over all invitations, or over one invitation per partner (``which="partners"``)."""
        if (dim, which) not in self._invitation_codes:
            frame = self.invitations if which == "invitations" else self.invited_partners
            self._invitation_codes[(dim, which)] = DimensionCodes(frame, dim)
        return self._invitation_codes[(dim, which)]

    @property
    def invited_partners(self) -> pd.DataFrame:
        if self._invited_partners is None:
            self._invited_partners = self.invitations.drop_duplicates("partner_id")
        return self._invited_partners


def _numeric(frame: pd.DataFrame, specs: list[QuestionSpec], nps_id: str | None,
             light: bool = False) -> dict[str, np.ndarray]:
    """Per-respondent sufficient statistics; summing them per segment gives every count needed.

    ``light`` keeps only what comparisons need (NPS and top-2-box counts): for the previous wave.
    """
    n = len(frame)
    missing = [s.id for s in specs if s.id not in frame]  # e.g. a question new since the previous wave
    if missing:
        frame = frame.assign(**{qid: np.nan for qid in missing})
    cols: dict[str, np.ndarray] = {"n": np.ones(n, dtype=np.float64)}
    if nps_id:
        score = frame[nps_id].to_numpy(dtype=float)
        cols["nps_n"] = (~np.isnan(score)).astype(float)
        cols["nps_pro"] = (score >= 9).astype(float)
        cols["nps_det"] = (score <= 6).astype(float)
    for spec in specs:
        if spec.type == "rating":
            v = frame[spec.id].to_numpy(dtype=float)
            answered = ~np.isnan(v)
            filled = np.where(answered, v, 0.0)
            cols[f"{spec.id}__n"] = answered.astype(float)
            cols[f"{spec.id}__top2"] = (filled >= stats.top2_threshold(spec.scale or 5)).astype(float)
            if not light:
                cols[f"{spec.id}__sum"] = filled
                cols[f"{spec.id}__sumsq"] = filled ** 2
        elif light:
            continue
        elif spec.type == "single_choice":
            values = frame[spec.id]
            cols[f"{spec.id}__n"] = values.notna().to_numpy(dtype=float)
            for option in spec.options:
                cols[f"{spec.id}__opt__{option}"] = (values == option).to_numpy(dtype=float)
        elif spec.type == "multi_choice":
            values = frame[spec.id]
            try:
                codes, uniques = pd.factorize(values)
            except TypeError:  # lists are unhashable
                codes, uniques = pd.factorize(values.map(lambda v: tuple(v) if isinstance(v, list) else v))
            members = [tuple(u) if isinstance(u, (tuple, list)) else () for u in uniques] + [()]
            codes = np.where(codes < 0, len(members) - 1, codes)
            cols[f"{spec.id}__n"] = np.array([len(m) > 0 for m in members], dtype=float)[codes]
            for option in spec.options:
                cols[f"{spec.id}__opt__{option}"] = np.array([option in m for m in members], dtype=float)[codes]
    return cols


def _segment_sums(prep: _Prepared, dims: list[str]) -> pd.DataFrame:
    """Sums of the sufficient statistics per segment (seg_* columns), plus partner-level sums (p_*)."""
    if dims:
        codes = [prep.codes(d) for d in dims]
        rows, seg, sizes = cross(codes, prep.n)
        k = int(np.prod(sizes))
    else:
        rows, seg, k = np.arange(prep.n), np.zeros(prep.n, dtype=np.int64), 1
    table = dict(zip(prep.names, _group_sums(prep.matrix, rows, seg, k).T, strict=True))
    if prep.light:  # the previous wave: partner-level views are not compared
        for name in ("one", "x", "x2", "wone", "wv", "wx", "w2", "w2x", "w2x2"):
            table[f"p_{name}"] = np.zeros(k)
        return _label_segments(pd.DataFrame(table), dims, codes if dims else None)
    cls = prep.cls[rows]
    valid = ~np.isnan(cls)
    key = seg[valid] * prep.n_partners + prep.partner_codes[rows][valid]
    unique_keys, inverse = np.unique(key, return_inverse=True)
    x = np.bincount(inverse, weights=cls[valid]) / np.bincount(inverse)
    pseg, pidx = unique_keys // prep.n_partners, unique_keys % prep.n_partners
    w = prep.partner_revenue[pidx]
    has = (~np.isnan(w)) & (w > 0)
    w = np.where(has, w, 0.0)
    for name, weights in {"one": np.ones_like(x), "x": x, "x2": x * x, "wone": has.astype(float), "wv": w,
                          "wx": w * x, "w2": w * w, "w2x": w * w * x, "w2x2": w * w * x * x}.items():
        table[f"p_{name}"] = np.bincount(pseg, weights=weights, minlength=k)
    return _label_segments(pd.DataFrame(table), dims, codes if dims else None)


def _label_segments(out: pd.DataFrame, dims, codes) -> pd.DataFrame:
    """Keep segments with respondents, add their seg_* label columns, sort by label."""
    if not dims:
        return out
    out = out[out["n"] > 0]
    labels = [decode(int(c), codes) for c in out.index]
    for i, key_name in enumerate(segment_columns(dims)):
        out.insert(i, key_name, [lab[i] for lab in labels])
    return out.sort_values(segment_columns(dims)).reset_index(drop=True)


def _group_sums(matrix: np.ndarray, rows: np.ndarray, seg: np.ndarray, k: int) -> np.ndarray:
    """Per-segment column sums with one ``np.bincount`` per column (matrix in Fortran order).

    Rows are gathered only when a multi-valued dimension repeats respondents.
    """
    if k == 1 and len(rows) == matrix.shape[0]:
        return matrix.sum(axis=0, keepdims=True, dtype=np.float64)
    identity = len(rows) == matrix.shape[0] and (len(rows) == 0 or (rows[0] == 0 and rows[-1] == len(rows) - 1))
    out = np.empty((k, matrix.shape[1]))
    for j in range(matrix.shape[1]):
        column = matrix[:, j] if identity else matrix[:, j][rows]
        out[:, j] = np.bincount(seg, weights=column, minlength=k)
    return out


def _invited(prep: _Prepared, dims) -> pd.DataFrame | None:
    """Invitations and distinct invited partners per segment (the N of the FPC).

    Invitations carry their partner's directory attributes, so a partner's invitations all fall
    in the same segments and distinct partners are counted on one row per partner.
    """
    invitations = prep.invitations
    if invitations is None or invitations.empty:
        return None
    counts = _count_by_segment(prep, dims, "invitations")
    distinct = (np.zeros_like(counts[0]) if prep.light else _count_by_segment(prep, dims, "partners")[0],)
    if not dims:
        return pd.DataFrame({"invited": counts[0], "invited_partners": distinct[0]})
    present = np.flatnonzero(counts[0])
    labels = [decode(int(c), counts[1]) for c in present]
    out = pd.DataFrame({key: [lab[i] for lab in labels] for i, key in enumerate(segment_columns(dims))})
    return out.assign(invited=counts[0][present], invited_partners=distinct[0][present])


def _count_by_segment(prep: _Prepared, dims, which: str):
    frame = prep.invitations if which == "invitations" else prep.invited_partners
    if not dims:
        return np.array([len(frame)]), None
    codes = [prep.invitation_codes(d, which) for d in dims]
    _, seg, sizes = cross(codes, len(frame))
    return np.bincount(seg, minlength=int(np.prod(sizes))), codes


def _estimate_weighted(row, prefix: str, population=None) -> stats.Estimate:
    """NPS from partner sums: unweighted ('') or revenue-weighted ('w')."""
    if prefix == "w":
        total, sx, n = row["p_wv"], row["p_wx"], int(row["p_wone"])
        w2, w2x, w2x2 = row["p_w2"], row["p_w2x"], row["p_w2x2"]
    else:
        total, sx, n = row["p_one"], row["p_x"], int(row["p_one"])
        w2, w2x, w2x2 = row["p_one"], row["p_x"], row["p_x2"]
    if n == 0 or total <= 0:
        nan = float("nan")
        return stats.Estimate(nan, nan, nan, nan, 0)
    mean = sx / total
    var = max(w2x2 - 2 * mean * w2x + mean ** 2 * w2, 0.0) / total ** 2
    se = math.sqrt(var) * stats.fpc(n, population) * 100
    value = mean * 100
    return stats.Estimate(value, max(value - stats.Z95 * se, -100), min(value + stats.Z95 * se, 100), se, n)


def _nps_of(row, population=None) -> stats.Estimate:
    return stats.nps_from_counts(int(row["nps_pro"]), int(row["nps_det"]), int(row["nps_n"]), population)


def _top2_of(row, qid, population=None) -> stats.Estimate:
    return stats.wilson(int(row[f"{qid}__top2"]), int(row[f"{qid}__n"]), population)


def _mean_of(row, qid, population=None) -> stats.Estimate:
    n = int(row[f"{qid}__n"])
    if n == 0:
        nan = float("nan")
        return stats.Estimate(nan, nan, nan, nan, 0)
    mean = row[f"{qid}__sum"] / n
    var = max(row[f"{qid}__sumsq"] - n * mean ** 2, 0.0) / (n - 1) if n > 1 else 0.0
    se = math.sqrt(var / n) * stats.fpc(n, population)
    return stats.Estimate(mean, mean - stats.Z95 * se, mean + stats.Z95 * se, se, n)


def _clean(value):
    """JSON-safe: NaN and infinities become None."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _est(e: stats.Estimate, digits: int) -> dict:
    return {k: _clean(v) for k, v in e.to_dict(digits).items()}


class _Tests:
    """Collects comparison results so p-values are adjusted once per family (Benjamini-Hochberg)."""

    def __init__(self):
        self.families: dict[str, list[dict]] = {}

    def add(self, family: str, a: stats.Estimate, b: stats.Estimate, digits: int, extra=None) -> dict:
        result = stats.difference_test(a, b)
        out = {**(extra or {}), "difference": _clean(round(result["difference"], digits)),
               "z": _clean(round(result["z"], 3)) if not math.isnan(result["z"]) else None,
               "p": _clean(result["p"]), "p_adjusted": None, "significant": False}
        self.families.setdefault(family, []).append(out)
        return out

    def adjust(self) -> None:
        for tests in self.families.values():
            p = [t["p"] if t["p"] is not None else float("nan") for t in tests]
            for test, adjusted in zip(tests, stats.benjamini_hochberg(p), strict=True):
                test["p_adjusted"] = None if math.isnan(adjusted) else float(round(adjusted, 6))
                test["significant"] = bool(test["p_adjusted"] is not None and test["p_adjusted"] < ALPHA)
                test["p"] = None if test["p"] is None else float(round(test["p"], 6))


def _table(sums: pd.DataFrame, invited: pd.DataFrame | None, dims, specs, threshold, totals: pd.Series,
           margins: dict[str, dict[str, set]] | None = None):
    """Suppression status per cell and per question (see suppression.py).

    ``totals`` are the overall sums (published margins); ``margins`` maps a status name to the
    hidden labels of each dimension's own one-dimension table.
    """
    keys = segment_columns(dims)
    cells = sums.reset_index(drop=True)
    if invited is not None:
        cells = cells.merge(invited, on=keys, how="left")
    margins = margins or {}
    columns = {"cell": "n", "partners": "p_one", "revenue": "p_wone"}
    columns.update({spec.id: f"{spec.id}__n" for spec in specs
                    if spec.type in ("rating", "single_choice", "multi_choice")})
    status = {name: suppress_cells(cells, keys, column, threshold, total=float(totals[column]),
                                   hidden_margins=margins.get(name))
              for name, column in columns.items()}
    return cells, status


def _hidden_labels(cells: pd.DataFrame, status: dict, dim: str) -> dict[str, set]:
    """Per status name: the labels of a one-dimension table that are suppressed."""
    key = segment_columns([dim])[0]
    return {name: {cells.at[i, key] for i in s.index if s[i]} for name, s in status.items()}


def _cell(row, i, status, specs, nps_id, population, digits) -> dict:
    hidden = status["cell"][i]
    out: dict = {"suppressed": hidden or False,
                 "invited": int(row["invited"]) if "invited" in row and not pd.isna(row.get("invited")) else None}
    if hidden:
        out.update({"respondents": MARKER, "response_rate": MARKER, "nps": MARKER, "nps_partner": MARKER,
                    "nps_revenue_weighted": MARKER, "csat": {s.id: MARKER for s in specs if s.type == "rating"},
                    "choices": {s.id: MARKER for s in specs if s.type.endswith("choice")}})
        return out
    n = int(row["n"])
    out["respondents"] = n
    out["response_rate"] = round(n / out["invited"], 4) if out["invited"] else None
    if nps_id:
        out["nps"] = _est(_nps_of(row, population), digits)
        partners = row.get("invited_partners")
        partners = int(partners) if partners is not None and not pd.isna(partners) else None
        out["nps_partner"] = (MARKER if status["partners"][i]
                              else _est(_estimate_weighted(row, "", partners), digits))
        out["nps_revenue_weighted"] = (MARKER if status["revenue"][i]
                                       else _est(_estimate_weighted(row, "w", partners), digits))
    csat, choices = {}, {}
    for spec in specs:
        if spec.type == "rating":
            if status[spec.id][i]:
                csat[spec.id] = MARKER
            else:
                csat[spec.id] = {"top2": _est(_top2_of(row, spec.id, population), 4),
                                 "mean": _est(_mean_of(row, spec.id, population), 3)}
        elif spec.type.endswith("choice"):
            answered = int(row[f"{spec.id}__n"])
            if status[spec.id][i]:
                choices[spec.id] = MARKER
            else:
                choices[spec.id] = {"n": answered, "shares": {
                    o: round(row[f"{spec.id}__opt__{o}"] / answered, 4) if answered else None
                    for o in spec.options}}
    out["csat"], out["choices"] = csat, choices
    return out


def _comparisons(row, other, specs, nps_id, tests, family, digits, prefix_fields=None):
    """NPS and top-2-box differences row - other (no FPC: conservative)."""
    out = {}
    if nps_id:
        a, b = _nps_of(row), _nps_of(other)
        if a.n and b.n:
            out["nps"] = tests.add(family, a, b, digits,
                                   {**(prefix_fields or {}), "other": _clean(round(b.value, digits))})
    top2 = {}
    for spec in specs:
        if spec.type == "rating":
            a, b = _top2_of(row, spec.id), _top2_of(other, spec.id)
            if a.n and b.n:
                top2[spec.id] = tests.add(family, a, b, 4, {"other": _clean(round(b.value, 4))})
    out["csat_top2"] = top2
    return out


def build_scorecard(current: WaveData, specs: list[QuestionSpec], breakdowns: str | list | None = None,
                    previous: WaveData | None = None, threshold: int = 5, drivers_by: str = "tier",
                    digits: int = 1) -> dict:
    """The scorecard document (schema ``pulse.scorecard/1``) for one wave.

    ``breakdowns``: "tier,region,tier:region" style text or parsed lists (default: see segments).
    ``previous``: the previous wave of the same survey for wave-over-wave comparisons.
    Cells below ``threshold`` respondents, and their complements, carry ``"suppressed"``.
    """
    dims_list = parse_breakdowns(breakdowns) if breakdowns is None or isinstance(breakdowns, str) else breakdowns
    nps_id = next((s.id for s in specs if s.type == "nps"), None)
    specs = [s for s in specs if s.type != "text"]
    tests = _Tests()

    cur = _Prepared(current, specs, nps_id)
    prev = (_Prepared(previous, specs, nps_id, light=True)
            if previous is not None and len(previous.respondents) else None)
    rating_specs = [s for s in specs if s.type == "rating"]

    def overall(wave, prepared):
        sums = _segment_sums(prepared, [])
        invited = _invited(prepared, [])
        cells = sums.copy()
        if invited is not None:
            cells["invited"] = invited["invited"].to_numpy()
            cells["invited_partners"] = invited["invited_partners"].to_numpy()
        status = {"cell": pd.Series([None if prepared.n >= threshold else "primary"])}
        status["partners"] = pd.Series([None if cells.at[0, "p_one"] >= threshold else "primary"])
        status["revenue"] = pd.Series([None if cells.at[0, "p_wone"] >= threshold else "primary"])
        for spec in (s for s in specs if s.type != "nps" and f"{s.id}__n" in cells):
            status[spec.id] = pd.Series([None if cells.at[0, f"{spec.id}__n"] >= threshold else "primary"])
        return cells, status

    cur_cells, cur_status = overall(current, cur)
    population = int(cur_cells.at[0, "invited"]) if "invited" in cur_cells else None
    total_cell = _cell(cur_cells.iloc[0], 0, cur_status, specs, nps_id, population, digits)
    total_cell["segment"] = {}
    total_cell["vs_rest"] = None
    total_cell["vs_previous"] = None
    if prev is not None:
        prev_cells, prev_total_status = overall(previous, prev)
        if not cur_status["cell"][0] and not prev_total_status["cell"][0]:
            total_cell["vs_previous"] = _comparisons(cur_cells.iloc[0], prev_cells.iloc[0], specs, nps_id,
                                                     tests, "vs_previous", digits)
        else:
            total_cell["vs_previous"] = MARKER

    one_dim_hidden: dict[tuple, dict] = {}

    def table(prepared, dims, table_specs, totals, which):
        margins = None
        if len(dims) > 1:
            margins = {}
            for dim in dims:
                if (which, dim) not in one_dim_hidden:
                    table(prepared, [dim], table_specs, totals, which)
                for name, labels in one_dim_hidden[(which, dim)].items():
                    margins.setdefault(name, {})[segment_columns([dim])[0]] = labels
        sums = _segment_sums(prepared, dims)
        cells, status = _table(sums, _invited(prepared, dims), dims, table_specs, threshold, totals, margins)
        if len(dims) == 1:
            one_dim_hidden[(which, dims[0])] = _hidden_labels(cells, status, dims[0])
        return sums, cells, status

    breakdown_docs = []
    for dims in dims_list:
        keys = segment_columns(dims)
        sums, cells, status = table(cur, dims, specs, cur_cells.iloc[0], "current")
        prev_lookup, prev_status = {}, None
        if prev is not None:
            _, pcells, prev_status = table(prev, dims, rating_specs, prev_cells.iloc[0], "previous")
            prev_lookup = {tuple(r[k] for k in keys): j for j, r in pcells.iterrows()}
        total_row = cur_cells.iloc[0]
        docs = []
        for i, row in cells.iterrows():
            segment = {d: row[k] for d, k in zip(dims, keys, strict=True)}
            population_i = int(row["invited"]) if "invited" in row and not pd.isna(row["invited"]) else None
            doc = {"segment": segment,
                   **_cell(row, i, status, specs, nps_id, population_i, digits)}
            if doc["suppressed"]:
                doc["vs_rest"], doc["vs_previous"] = MARKER, MARKER
            else:
                numeric = [c for c in sums.columns if not c.startswith("seg_")]
                rest = total_row[numeric] - row[numeric]
                doc["vs_rest"] = _comparisons(row, rest, specs, nps_id, tests, "vs_rest", digits)
                j = prev_lookup.get(tuple(row[k] for k in keys))
                if prev is None:
                    doc["vs_previous"] = None
                elif j is None or prev_status["cell"][j]:
                    doc["vs_previous"] = MARKER if j is not None else None
                else:
                    doc["vs_previous"] = _comparisons(row, pcells.iloc[j], specs, nps_id, tests,
                                                      "vs_previous", digits)
            docs.append(doc)
        breakdown_docs.append({"by": dims, "cells": docs})

    drivers = key_drivers(cur, specs, nps_id, drivers_by, threshold) if nps_id else []
    tests.adjust()
    return {
        "schema": SCHEMA,
        "wave": {"id": current.wave_id, **current.meta},
        "previous_wave": previous.wave_id if previous is not None else None,
        "suppression": {"threshold": threshold, "marker": MARKER, "method": "primary + complementary"},
        "tests": {"method": "two-sided z-test of the difference (NPS variance / two proportions)",
                  "correction": "benjamini-hochberg", "alpha": ALPHA,
                  "families": sorted(tests.families)},
        "questions": [{"id": s.id, "type": s.type, "scale": s.scale, "program": s.program, "topic": s.topic,
                       "text": s.text, "options": list(s.options)} for s in specs],
        "nps_question": nps_id,
        "overall": total_cell,
        "breakdowns": breakdown_docs,
        "drivers": drivers,
    }


def key_drivers(prep: _Prepared, specs: list[QuestionSpec], nps_id: str, by: str | None,
                threshold: int) -> list[dict]:
    """Relative-weight drivers and the fix-first list overall and per segment of ``by``."""
    ratings = [s for s in specs if s.type == "rating"]
    min_n = max(DRIVER_MIN_N, threshold)
    columns = [nps_id] + [s.id for s in ratings]
    frame = prep.frame[columns]
    groups = [({}, frame)]
    if by:
        codes = prep.codes(by)
        rows, seg, _ = cross([codes], prep.n)
        groups += [({by: label}, frame.iloc[rows[seg == k]]) for k, label in enumerate(codes.labels)]
    rng = np.random.default_rng(0)
    out = []
    for segment, part in groups:
        if len(part) < min_n:
            out.append({"segment": segment, "status": "insufficient", "n": MARKER if len(part) < threshold
                        else len(part), "sampled": None, "r2": None, "fix_first": []})
            continue
        sample = part if len(part) <= DRIVER_SAMPLE else part.iloc[
            np.sort(rng.choice(len(part), DRIVER_SAMPLE, replace=False))]
        result = relative_weights(sample, nps_id, [s.id for s in ratings], min_n=min_n)
        top2 = {}
        for s in ratings:
            answered = part[s.id].dropna()
            if len(answered) >= min_n:
                top2[s.id] = float((answered >= stats.top2_threshold(s.scale or 5)).mean())
        ranked = fix_first(result["weights"], top2)
        out.append({"segment": segment, "status": "ok" if result["weights"] else "insufficient", "n": len(part),
                    "sampled": len(sample) if len(sample) < len(part) else None,
                    "r2": None if result["r2"] is None else round(result["r2"], 4),
                    "fix_first": [{**r, "importance": round(r["importance"], 4),
                                   "performance_top2": None if r["performance_top2"] is None
                                   else round(r["performance_top2"], 4),
                                   "priority": None if r["priority"] is None else round(r["priority"], 4)}
                                  for r in ranked]})
    return out
