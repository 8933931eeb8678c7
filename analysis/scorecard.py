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
from .segments import parse_breakdowns, segment_columns, segment_frame
from .suppression import MARKER, suppress_cells

SCHEMA = "pulse.scorecard/1"
ALPHA = 0.05
DRIVER_MIN_N = 30


@dataclass(frozen=True)
class WaveData:
    """One wave ready for analysis: its respondent frame and (optionally) its invitations."""

    wave_id: str
    respondents: pd.DataFrame
    invitations: pd.DataFrame | None = None
    meta: dict = field(default_factory=dict)
    tidy: pd.DataFrame | None = None  # one row per response x question (comments come from here)


def _numeric(frame: pd.DataFrame, specs: list[QuestionSpec], nps_id: str | None) -> pd.DataFrame:
    """Per-respondent sufficient statistics; summing them per segment gives every count needed."""
    cols: dict[str, np.ndarray] = {"n": np.ones(len(frame), dtype=np.float64)}
    if nps_id:
        score = frame[nps_id].to_numpy(dtype=float)
        answered = ~np.isnan(score)
        cols["nps_n"] = answered.astype(float)
        cols["nps_pro"] = (score >= 9).astype(float)
        cols["nps_det"] = (score <= 6).astype(float)
    for spec in specs:
        if spec.type == "rating":
            v = frame[spec.id].to_numpy(dtype=float)
            answered = ~np.isnan(v)
            filled = np.where(answered, v, 0.0)
            cols[f"{spec.id}__n"] = answered.astype(float)
            cols[f"{spec.id}__top2"] = (filled >= stats.top2_threshold(spec.scale or 5)).astype(float)
            cols[f"{spec.id}__sum"] = filled
            cols[f"{spec.id}__sumsq"] = filled ** 2
        elif spec.type in ("single_choice", "multi_choice"):
            values = frame[spec.id]
            if spec.type == "multi_choice":
                chosen = values.map(lambda v: tuple(v) if isinstance(v, (tuple, list)) else ())
                cols[f"{spec.id}__n"] = (chosen.map(len) > 0).to_numpy(dtype=float)
                exploded = chosen.explode()
            else:
                cols[f"{spec.id}__n"] = values.notna().to_numpy(dtype=float)
                exploded = values
            positions = pd.Series(np.arange(len(frame)), index=frame.index).loc[exploded.index].to_numpy()
            labels = exploded.to_numpy()
            for option in spec.options:
                hit = np.zeros(len(frame))
                hit[positions[labels == option]] = 1.0
                cols[f"{spec.id}__opt__{option}"] = hit
    return pd.DataFrame(cols, index=frame.index)


def _partner_values(frame: pd.DataFrame, nps_id: str) -> pd.DataFrame:
    """Partner-level NPS inputs: the mean +1/0/-1 class of each partner's contacts, and its revenue."""
    score = frame[nps_id].to_numpy(dtype=float)
    data = pd.DataFrame({"partner_id": frame["partner_id"].to_numpy(),
                         "cls": np.where(np.isnan(score), np.nan, stats.nps_class(score)),
                         "revenue": frame["annual_revenue"].to_numpy(dtype=float)}, index=frame.index)
    return data


def _segment_sums(frame, numeric, partner, dims):
    """Sums of sufficient statistics per segment, plus partner-level sums."""
    keys = segment_columns(dims)
    if dims:
        seg = segment_frame(frame[list({c for d in dims for c in [_column(d)]})], dims)[keys]
        sums = numeric.loc[seg.index].set_axis(range(len(seg))).join(seg.reset_index(drop=True))
        sums = sums.groupby(keys, sort=True, observed=True).sum()
        p = partner.loc[seg.index].reset_index(drop=True).join(seg.reset_index(drop=True))
    else:
        sums = numeric.sum().to_frame().T
        p = partner.assign(_all="all")
        keys = ["_all"]
    per_partner = (p.dropna(subset=["cls"]).groupby([*keys, "partner_id"], sort=False, observed=True)
                   .agg(x=("cls", "mean"), w=("revenue", "first")).reset_index())
    per_partner = per_partner.assign(
        x2=lambda d: d["x"] ** 2, one=1.0,
        wv=lambda d: d["w"].where(d["w"] > 0), )
    per_partner = per_partner.assign(
        wx=lambda d: d["wv"] * d["x"], w2=lambda d: d["wv"] ** 2, w2x=lambda d: d["wv"] ** 2 * d["x"],
        w2x2=lambda d: d["wv"] ** 2 * d["x"] ** 2, wone=lambda d: d["wv"].notna().astype(float))
    psums = per_partner.groupby(keys, sort=True, observed=True)[
        ["one", "x", "x2", "wone", "wv", "wx", "w2", "w2x", "w2x2"]].sum()
    if not dims:
        psums = psums.reset_index(drop=True)
        sums = sums.reset_index(drop=True)
    return sums.join(psums.rename(columns=lambda c: f"p_{c}"))


def _column(dim: str) -> str:
    from .segments import DIMENSIONS

    return DIMENSIONS[dim][0]


def _invited(invitations: pd.DataFrame | None, dims) -> pd.Series | None:
    if invitations is None or invitations.empty:
        return None
    if not dims:
        return pd.Series([len(invitations)])
    seg = segment_frame(invitations, dims)
    return seg.groupby(segment_columns(dims), sort=True, observed=True).size()


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


def _table(sums: pd.DataFrame, invited: pd.Series | None, dims, specs, threshold):
    """Suppression status per cell and per question."""
    keys = segment_columns(dims)
    cells = sums.reset_index()
    if invited is not None:
        cells = cells.merge(invited.rename("invited").reset_index(), on=keys, how="left")
    status = {"cell": suppress_cells(cells, keys, "n", threshold),
              "partners": suppress_cells(cells, keys, "p_one", threshold),
              "revenue": suppress_cells(cells, keys, "p_wone", threshold)}
    for spec in specs:
        if spec.type in ("rating", "single_choice", "multi_choice"):
            status[spec.id] = suppress_cells(cells, keys, f"{spec.id}__n", threshold)
    return cells, status


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
        out["nps_partner"] = MARKER if status["partners"][i] else _est(_estimate_weighted(row, ""), digits)
        out["nps_revenue_weighted"] = (MARKER if status["revenue"][i]
                                       else _est(_estimate_weighted(row, "w"), digits))
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

    def prepare(wave: WaveData):
        frame = wave.respondents.reset_index(drop=True)
        numeric = _numeric(frame, specs, nps_id)
        partner = _partner_values(frame, nps_id) if nps_id else pd.DataFrame(
            {"partner_id": frame["partner_id"], "cls": np.nan, "revenue": np.nan})
        return frame, numeric, partner

    cur = prepare(current)
    prev = prepare(previous) if previous is not None and len(previous.respondents) else None

    def overall(wave, prepared):
        frame, numeric, partner = prepared
        sums = _segment_sums(frame, numeric, partner, [])
        invited = _invited(wave.invitations, [])
        cells = sums.copy()
        if invited is not None:
            cells["invited"] = invited.to_numpy()
        status = {"cell": pd.Series([None if len(frame) >= threshold else "primary"])}
        status["partners"] = pd.Series([None if cells.at[0, "p_one"] >= threshold else "primary"])
        status["revenue"] = pd.Series([None if cells.at[0, "p_wone"] >= threshold else "primary"])
        for spec in (s for s in specs if s.type != "nps"):
            status[spec.id] = pd.Series([None if cells.at[0, f"{spec.id}__n"] >= threshold else "primary"])
        return cells, status

    cur_cells, cur_status = overall(current, cur)
    population = int(cur_cells.at[0, "invited"]) if "invited" in cur_cells else None
    total_cell = _cell(cur_cells.iloc[0], 0, cur_status, specs, nps_id, population, digits)
    total_cell["segment"] = {}
    total_cell["vs_rest"] = None
    total_cell["vs_previous"] = None
    if prev is not None:
        prev_cells, prev_status = overall(previous, prev)
        if not cur_status["cell"][0] and not prev_status["cell"][0]:
            total_cell["vs_previous"] = _comparisons(cur_cells.iloc[0], prev_cells.iloc[0], specs, nps_id,
                                                     tests, "vs_previous", digits)
        else:
            total_cell["vs_previous"] = MARKER

    breakdown_docs = []
    for dims in dims_list:
        keys = segment_columns(dims)
        sums = _segment_sums(*cur, dims)
        cells, status = _table(sums, _invited(current.invitations, dims), dims, specs, threshold)
        prev_lookup, prev_status = {}, None
        if prev is not None:
            psums = _segment_sums(*prev, dims)
            pcells, prev_status = _table(psums, _invited(previous.invitations, dims), dims, specs, threshold)
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
                rest = total_row[sums.columns] - row[sums.columns]
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

    drivers = key_drivers(current.respondents, specs, nps_id, drivers_by, threshold) if nps_id else []
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


def key_drivers(frame: pd.DataFrame, specs: list[QuestionSpec], nps_id: str, by: str | None,
                threshold: int) -> list[dict]:
    """Relative-weight drivers and the fix-first list overall and per segment of ``by``."""
    ratings = [s for s in specs if s.type == "rating"]
    min_n = max(DRIVER_MIN_N, threshold)
    groups = [({}, frame)]
    if by:
        seg = segment_frame(frame, [by])
        groups += [({by: key}, frame.loc[part.index.unique()])
                   for key, part in seg.groupby(f"seg_{by}", sort=True)]
    out = []
    for segment, part in groups:
        if len(part) < min_n:
            out.append({"segment": segment, "status": "insufficient", "n": MARKER if len(part) < threshold
                        else len(part), "r2": None, "fix_first": []})
            continue
        result = relative_weights(part, nps_id, [s.id for s in ratings], min_n=min_n)
        top2 = {}
        for s in ratings:
            answered = part[s.id].dropna()
            if len(answered) >= min_n:
                top2[s.id] = float((answered >= stats.top2_threshold(s.scale or 5)).mean())
        ranked = fix_first(result["weights"], top2)
        out.append({"segment": segment, "status": "ok" if result["weights"] else "insufficient", "n": len(part),
                    "r2": None if result["r2"] is None else round(result["r2"], 4),
                    "fix_first": [{**r, "importance": round(r["importance"], 4),
                                   "performance_top2": None if r["performance_top2"] is None
                                   else round(r["performance_top2"], 4),
                                   "priority": None if r["priority"] is None else round(r["priority"], 4)}
                                  for r in ranked]})
    return out
