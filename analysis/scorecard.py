"""The scorecard: every breakdown, interval, comparison and driver list as one stable document.

``build_scorecard`` is the one entry point the CLI (``pulse analyze``), the dashboard's results
snapshot and the leadership report share. Its JSON shape is documented in docs/analysis.md
(schema ``pulse.scorecard/1``); suppressed values are the string ``"suppressed"``, never numbers.
Estimation lives in ``estimation``, comparisons and tests in ``comparison``, confidentiality in
``suppression``; this module assembles the document.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import weighting
from .comparison import ALPHA, Tests, comparisons
from .estimation import (
    Prepared,
    Respondents,
    WaveData,
    design_effect,
    est,
    estimate_weighted,
    invited_counts,
    kish_n,
    mean_design_effect,
    mean_of,
    nps_of,
    segment_sums,
    top2_design_effect,
    top2_of,
)
from .frame import QuestionSpec
from .key_drivers import key_drivers
from .segments import DEFAULT_BREAKDOWNS, DIMENSIONS, parse_breakdowns, segment_columns
from .suppression import (
    COMPLEMENTARY,
    CONCENTRATION_LIMITS,
    MARKER,
    hidden_labels,
    partner_column,
    revenue_concentrated,
    stuck_margins,
    table_status,
)

__all__ = ["SCHEMA", "WaveData", "build_scorecard", "key_drivers"]

SCHEMA = "pulse.scorecard/1"
DRIVERS_BY = "tier,region,program"
#: the fixed Benjamini-Hochberg family of every wave: all cells of these breakdowns (vs rest and vs
#: previous wave), whatever breakdowns a view asks for; other breakdowns form one family each
TEST_FAMILY = [list(term.split(":")) for term in DEFAULT_BREAKDOWNS]


def _hidden_questions(status: dict, i) -> set[str]:
    """Status names (question ids, "nps") the plan withholds in row ``i``."""
    return {name for name, s in status.items() if name not in ("cell", "partners", "revenue") and s[i]}


def _rounded_deff(value: float | None) -> float | None:
    return None if value is None or np.isnan(value) else round(float(value), 3)


def _cell(row, i, status, specs, nps_id, digits, concentration=CONCENTRATION_LIMITS) -> dict:
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
        if "nps" in status and status["nps"][i]:
            out["nps"] = MARKER
        else:
            out["nps"] = est(nps_of(row), digits)
            deff = design_effect(row)
            out["nps"]["design_effect"] = None if deff is None else round(deff, 3)
        out["nps_partner"] = (MARKER if status["partners"][i]
                              else est(estimate_weighted(row, ""), digits))
        if status["revenue"][i] or revenue_concentrated(row, concentration):
            out["nps_revenue_weighted"] = MARKER
        else:
            out["nps_revenue_weighted"] = {**est(estimate_weighted(row, "w"), digits),
                                           "n_effective": round(kish_n(row), 1)}
    csat, choices = {}, {}
    for spec in specs:
        if spec.type == "rating":
            if status[spec.id][i]:
                csat[spec.id] = MARKER
            else:
                csat[spec.id] = {"top2": {**est(top2_of(row, spec.id), 4),
                                          "design_effect": _rounded_deff(top2_design_effect(row, spec.id))},
                                 "mean": {**est(mean_of(row, spec.id, scale=spec.scale), 3),
                                          "design_effect": _rounded_deff(mean_design_effect(row, spec.id))}}
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


def build_scorecard(current: WaveData, specs: list[QuestionSpec], breakdowns: str | list | None = None,
                    previous: WaveData | None = None, threshold: int = 5, drivers_by: str = DRIVERS_BY,
                    digits: int = 1, concentration: tuple[float, float] = CONCENTRATION_LIMITS,
                    drivers: list[dict] | None = None, min_partners: int = 3) -> dict:
    """The scorecard document (schema ``pulse.scorecard/1``) for one wave.

    ``breakdowns``: "tier,region,tier:region" style text or parsed lists (default: see segments).
    ``previous``: the previous wave of the same survey for wave-over-wave comparisons.
    Cells below ``threshold`` respondents or ``min_partners`` distinct partners, and their
    complements, carry ``"suppressed"``; so does
    every comparison with a side under the threshold and every revenue-weighted NPS dominated by
    one or two partners (``concentration``). The test family is fixed (``TEST_FAMILY``).
    ``current``/``previous`` may carry atom tables instead of respondents (``analysis.atoms``);
    then ``drivers`` (computed earlier from respondents, ``key_drivers``) is published as given.
    """
    dims_list = parse_breakdowns(breakdowns) if breakdowns is None or isinstance(breakdowns, str) else breakdowns
    nps_id = next((s.id for s in specs if s.type == "nps"), None)
    specs = [s for s in specs if s.type != "text"]
    tests = Tests()

    cur = Prepared(current, specs, nps_id)
    prev = Prepared(previous, specs, nps_id, light=True) if previous is not None else None
    prev = prev if prev is not None and prev.n else None
    rating_specs = [s for s in specs if s.type in ("rating", "nps")]

    def overall(wave, prepared):
        sums = segment_sums(prepared, [])
        invited = invited_counts(prepared, [])
        cells = sums.copy()
        if invited is not None:
            cells["invited"] = invited["invited"].to_numpy()
            cells["invited_partners"] = invited["invited_partners"].to_numpy()
        def primary(count, partners):
            few = cells.at[0, count] < threshold or (partners in cells and cells.at[0, partners] < min_partners)
            return pd.Series(["primary" if few else None])

        status = {"cell": pd.Series([None if prepared.respondents >= threshold and (
            not prepared.n or cells.at[0, "partners"] >= min_partners) else "primary"])}
        status["partners"] = primary("p_one", "p_one")
        status["revenue"] = primary("p_wone", "p_wone")
        for spec in (s for s in specs if s.type != "nps" and f"{s.id}__n" in cells):
            status[spec.id] = primary(f"{spec.id}__n", partner_column(spec.id, f"{spec.id}__n", cells))
        if nps_id:
            status["nps"] = primary("nps_n", "p_one")
        return cells, status

    cur_cells, cur_status = overall(current, cur)
    prev_cells, prev_total_status = overall(previous, prev) if prev is not None else (None, None)
    overall_status = {"current": cur_status, "previous": prev_total_status}

    plans: dict[tuple, tuple] = {}
    forced: dict[tuple, dict[str, set]] = {}  # (which, dim) -> status name -> labels a crossed table needs hidden

    def table(prepared, dims, table_specs, totals, which):
        key = (which, tuple(dims))
        if key in plans:
            return plans[key]
        margins = None
        if len(dims) > 1:
            margins = {}
            for dim in dims:
                _, margin_cells, margin_status = table(prepared, [dim], table_specs, totals, which)
                for name, labels in hidden_labels(margin_cells, margin_status, dim).items():
                    margins.setdefault(name, {})[segment_columns([dim])[0]] = labels
        sums = segment_sums(prepared, dims)
        cells, status, columns = table_status(sums, invited_counts(prepared, dims), dims, table_specs, threshold,
                                              totals, margins, forced.get((which, dims[0])) if len(dims) == 1
                                              else None, min_partners=min_partners)
        keys = segment_columns(dims)
        grown = False
        if len(dims) > 1:
            stuck = stuck_margins(cells, keys, status, columns, threshold, margins)
        else:  # the whole one-dimension table against the published overall
            stuck = stuck_margins(cells, keys, status, columns, threshold, overall_status[which])
        for (column, name), labels in stuck.items():
            target = forced.setdefault((which, dims[keys.index(column)] if column else None), {})
            grown |= not labels <= target.setdefault(name, set())
            target[name] |= labels
        if grown:  # a margin must now be hidden: every plan of this wave is recomputed on demand
            for stale in [k for k in plans if k[0] == which]:
                del plans[stale]
            return table(prepared, dims, table_specs, totals, which)
        plans[key] = (sums, cells, status)
        return plans[key]

    breakdown_docs = []
    wanted = [list(d) for d in dims_list]
    extra = [d for d in TEST_FAMILY if d not in wanted and cur.n
             and all(DIMENSIONS[x][0] in cur.frame for x in d)]
    settled = None
    while settled != forced:  # plan every table until no crossed table needs another margin hidden
        settled = {k: {name: set(labels) for name, labels in v.items()} for k, v in forced.items()}
        for dims in wanted + extra:
            table(cur, dims, specs, cur_cells.iloc[0], "current")
            if prev is not None:
                table(prev, dims, rating_specs, prev_cells.iloc[0], "previous")
    for which, plan in overall_status.items():  # overall values a one-dimension table could not protect
        for name in (forced.get((which, None)) or {}) if plan is not None else ():
            plan[name] = pd.Series([COMPLEMENTARY])
    total_cell = _cell(cur_cells.iloc[0], 0, cur_status, specs, nps_id, digits, concentration)
    total_cell["segment"] = {}
    total_cell["weighted"] = (weighting.headline(cur, prev, nps_id, threshold, digits)
                              if total_cell.get("nps") not in (None, MARKER) else None)
    total_cell["vs_rest"] = None
    total_cell["vs_previous"] = None
    if prev is not None:
        if not cur_status["cell"][0] and not prev_total_status["cell"][0]:
            hidden = _hidden_questions(cur_status, 0) | _hidden_questions(prev_total_status, 0)
            total_cell["vs_previous"] = comparisons(cur_cells.iloc[0], prev_cells.iloc[0], specs, nps_id,
                                                    tests, "vs_previous", digits, threshold, hidden)
        else:
            total_cell["vs_previous"] = MARKER

    for dims in wanted + extra:  # the whole fixed family is tested; only the wanted are published
        fixed = dims in TEST_FAMILY
        rest_family = "vs_rest" if fixed else f"vs_rest:{':'.join(dims)}"
        previous_family = "vs_previous" if fixed else f"vs_previous:{':'.join(dims)}"
        keys = segment_columns(dims)
        sums, cells, status = table(cur, dims, specs, cur_cells.iloc[0], "current")
        prev_lookup, prev_status = {}, None
        if prev is not None:
            _, pcells, prev_status = table(prev, dims, rating_specs, prev_cells.iloc[0], "previous")
            prev_rows = dict(zip(pcells.index, _records(pcells), strict=True))
            prev_lookup = {tuple(r[k] for k in keys): j for j, r in prev_rows.items()}
        total_row = cur_cells.iloc[0]
        docs = []
        # plain dicts: per-value access on a pandas row costs ~20x a dict lookup, and a scorecard
        # reads thousands of values per table
        total_values = total_row.to_dict()
        for i, row in zip(cells.index, _records(cells), strict=True):
            segment = {d: row[k] for d, k in zip(dims, keys, strict=True)}
            doc = {"segment": segment, **_cell(row, i, status, specs, nps_id, digits, concentration)}
            if doc["suppressed"]:
                doc["vs_rest"], doc["vs_previous"] = MARKER, MARKER
            else:
                rest = {c: total_values[c] - row[c] for c in sums.columns if not c.startswith("seg_")}
                hidden = _hidden_questions(status, i)
                doc["vs_rest"] = comparisons(row, rest, specs, nps_id, tests, rest_family, digits, threshold,
                                             hidden)
                j = prev_lookup.get(tuple(row[k] for k in keys))
                if prev is None:
                    doc["vs_previous"] = None
                elif j is None or prev_status["cell"][j]:
                    doc["vs_previous"] = MARKER if j is not None else None
                else:
                    doc["vs_previous"] = comparisons(row, prev_rows[j], specs, nps_id, tests, previous_family,
                                                     digits, threshold, hidden | _hidden_questions(prev_status, j))
            docs.append(doc)
        if dims in wanted:
            breakdown_docs.append({"by": dims, "cells": docs})

    if drivers is None:
        drivers = key_drivers(Respondents(current), specs, nps_id, drivers_by, threshold) if nps_id else []
    tests.adjust()
    return {
        "schema": SCHEMA,
        "wave": {"id": current.wave_id, **current.meta},
        "previous_wave": previous.wave_id if previous is not None else None,
        "suppression": {"threshold": threshold, "min_partners": min_partners, "marker": MARKER,
                        "method": "primary + complementary",
                        "comparisons": "both sides at least the threshold, neither side's question hidden",
                        "revenue_concentration": {"largest_share_max": concentration[0],
                                                  "two_largest_share_max": concentration[1]}},
        "tests": {"method": "two-sided z-test of the difference (NPS: cluster-robust by partner / two proportions)",
                  "correction": "benjamini-hochberg", "alpha": ALPHA,
                  "family": [":".join(d) for d in TEST_FAMILY],
                  "families": sorted(tests.families)},
        "questions": [{"id": s.id, "type": s.type, "scale": s.scale, "program": s.program, "topic": s.topic,
                       "text": s.text, "options": list(s.options),
                       **({"short": s.short} if s.short else {}),
                       **({"matrix": s.matrix, "matrix_text": s.matrix_text, "row_label": s.row_label}
                          if s.matrix else {})} for s in specs],
        "nps_question": nps_id,
        "overall": total_cell,
        "breakdowns": breakdown_docs,
        "drivers": drivers,
    }


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain values, column by column (``DataFrame.to_dict`` is slow on wide frames)."""
    columns = list(frame.columns)
    values = [frame[c].tolist() for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)] if columns else []
