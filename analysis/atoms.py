"""Atoms: a wave's respondents collapsed to one row per partner and attribute combination.

Every number the scorecard publishes (counts, NPS and CSAT with their cluster-robust errors,
choice shares, revenue-weighted NPS, the weighted headline, suppression) is a function of sums
of small per-respondent statistics (``estimation.numeric``) taken per segment and per partner.
Respondents of one partner with the same attributes fall in the same segments and the same
cluster, so summing their statistics first loses nothing: the atom table is a sufficient
statistic of the wave. It has one row per (partner, attributes), however many responses there
are, and changing one response changes one row by adding and subtracting that response's
``contribution`` - which is what makes the live update cost O(changed responses).

Statistic values are small whole numbers, so sums and differences are exact in float64 and a
table updated response by response equals the table collapsed from scratch.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .estimation import numeric
from .frame import PARTNER_COLUMNS, QuestionSpec

KEY_COLUMNS = ("partner_id", *PARTNER_COLUMNS)
MULTI_COLUMNS = ("partner_types", "programs")
COUNT = "n"


def stat_names(specs: list[QuestionSpec], nps_id: str | None, light: bool = False) -> list[str]:
    """The statistic columns of an atom table for these questions (``estimation.numeric``'s names;
    ``light``: the previous wave's subset)."""
    return list(numeric(pd.DataFrame(columns=[s.id for s in specs]), specs, nps_id, light))


def _key_value(column: str, value):
    if column in MULTI_COLUMNS:
        return tuple(value) if isinstance(value, (list, tuple)) else ()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def key_of(row: dict) -> tuple:
    """The atom key of one respondent (or atom) row: partner id and its attribute snapshot."""
    return tuple(_key_value(c, row.get(c)) for c in KEY_COLUMNS)


def contributions(respondents: pd.DataFrame, specs: list[QuestionSpec], nps_id: str | None) -> pd.DataFrame:
    """One row per respondent: its atom key columns and its statistics (what it adds to its atom)."""
    frame = respondents.reset_index(drop=True)
    stats = numeric(frame, specs, nps_id)
    keys = frame[list(KEY_COLUMNS)].copy()
    for column in MULTI_COLUMNS:
        keys[column] = keys[column].map(lambda v: tuple(v) if isinstance(v, (list, tuple)) else ())
    return pd.concat([keys, pd.DataFrame(stats)], axis=1)


def collapse(rows: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Sum contribution rows (or atoms) per atom key; rows with a zero count are dropped.

    The result is sorted by key, so two tables holding the same sums are equal row for row.
    Grouping is vectorised (integer codes per key column, one ``np.bincount`` per statistic):
    a million respondents collapse in seconds.
    """
    if not len(rows):
        return empty(names)
    group = np.zeros(len(rows), dtype=np.int64)
    for column in KEY_COLUMNS:
        values = rows[column]
        if column in MULTI_COLUMNS:
            values = values.map(lambda v: tuple(v) if isinstance(v, (list, tuple)) else ())
        codes, _ = pd.factorize(values)  # missing values (None, NaN) share the code -1
        group = pd.factorize(group * (int(codes.max()) + 2) + (codes + 1))[0].astype(np.int64)
    count = int(group.max()) + 1
    values = rows[names].to_numpy(dtype=float)
    sums = np.column_stack([np.bincount(group, weights=values[:, j], minlength=count) for j in range(len(names))]) \
        if names else np.zeros((count, 0))
    first = np.unique(group, return_index=True)[1]
    keys = [key_of(r) for r in rows[list(KEY_COLUMNS)].iloc[first].to_dict("records")]
    out = pd.concat([pd.DataFrame(keys, columns=list(KEY_COLUMNS)), pd.DataFrame(sums, columns=names)], axis=1)
    keep = (out[COUNT] > 0).to_numpy()
    return _sorted(out[keep], [k for k, kept in zip(keys, keep, strict=True) if kept])


def empty(names: list[str]) -> pd.DataFrame:
    return pd.DataFrame({**{c: pd.Series(dtype=object) for c in KEY_COLUMNS},
                         **{n: pd.Series(dtype=float) for n in names}})


def _sorted(atoms: pd.DataFrame, keys: list) -> pd.DataFrame:
    order = sorted(range(len(atoms)), key=lambda i: repr(keys[i]))
    out = atoms.iloc[order].reset_index(drop=True)
    out["annual_revenue"] = out["annual_revenue"].astype(float)
    return out


def apply(atoms: pd.DataFrame, removed: pd.DataFrame | None, added: pd.DataFrame | None,
          names: list[str]) -> pd.DataFrame:
    """The atom table after taking ``removed`` contributions out and putting ``added`` ones in."""
    parts = [atoms]
    if removed is not None and len(removed):
        negative = removed.copy()
        negative[names] = -negative[names].to_numpy(dtype=float)
        parts.append(negative)
    if added is not None and len(added):
        parts.append(added)
    frames = [p[[*KEY_COLUMNS, *names]] for p in parts if len(p)]
    return collapse(pd.concat(frames, ignore_index=True), names) if frames else empty(names)


def to_records(atoms: pd.DataFrame) -> dict:
    """A JSON-able form of an atom (or contribution) table: column names and row lists."""
    rows = []
    for row in atoms.itertuples(index=False):
        rows.append([list(v) if isinstance(v, tuple) else (None if isinstance(v, float) and math.isnan(v)
                                                          else _plain(v)) for v in row])
    return {"columns": list(atoms.columns), "rows": rows}


def _plain(value):
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return int(value) if value.is_integer() and abs(value) < 2 ** 53 else value
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def from_records(data: dict) -> pd.DataFrame:
    """The table ``to_records`` wrote."""
    columns = data["columns"]
    frame = pd.DataFrame(data["rows"], columns=columns)
    for column in MULTI_COLUMNS:
        if column in frame:
            frame[column] = frame[column].map(lambda v: tuple(v) if isinstance(v, list) else ())
    for column in columns:
        if column not in KEY_COLUMNS and column != "invitation_id":
            frame[column] = frame[column].astype(float)
    if "annual_revenue" in frame:
        frame["annual_revenue"] = frame["annual_revenue"].astype(float)
    return frame


def invitation_atoms(invitations: pd.DataFrame | None) -> pd.DataFrame | None:
    """Invitations collapsed the same way, with their count in ``invitations`` (response-rate N)."""
    if invitations is None:
        return None
    rows = invitations[list(KEY_COLUMNS)].assign(invitations=1.0)
    return collapse(rows.assign(n=1.0), ["n", "invitations"]).drop(columns=["n"])
