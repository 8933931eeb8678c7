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

from .estimation import numeric, numeric_columns
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
    keys = frame[list(KEY_COLUMNS)]
    for column in MULTI_COLUMNS:
        codes, values = _column_codes(keys[column], multi=True)
        keys = keys.assign(**{column: _objects(values)[codes]})
    return pd.concat([keys, pd.DataFrame(numeric(frame, specs, nps_id))], axis=1)


def collapse(rows: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Sum contribution rows (or atoms) per atom key; rows with a zero count are dropped.

    The result is sorted by key, so two tables holding the same sums are equal row for row.
    """
    return _collapsed(rows, names, ((name, rows[name].to_numpy(dtype=float)) for name in names))


def collapse_respondents(respondents: pd.DataFrame, specs: list[QuestionSpec], nps_id: str | None,
                         light: bool = False) -> pd.DataFrame:
    """``collapse(contributions(respondents, ...))`` without the respondent-by-statistic table:
    each statistic column is summed per atom as soon as it is computed (the full build's path);
    ``light``: only the previous wave's statistics (``stat_names``)."""
    frame = respondents.reset_index(drop=True)
    return _collapsed(frame, stat_names(specs, nps_id, light), numeric_columns(frame, specs, nps_id, light))


def _collapsed(rows: pd.DataFrame, names: list[str], columns) -> pd.DataFrame:
    """The atom table of ``rows`` (key columns) with ``columns`` ((name, per-row values) in ``names``
    order) summed per key.

    Vectorised: integer codes per key column (missing values share one code, as do a missing and
    an empty multi-valued key), one ``np.bincount`` per statistic, Python only per distinct value.
    """
    if not len(rows):
        return empty(names)
    group, radix = np.zeros(len(rows), dtype=np.int64), 1
    per_column = []
    for column in KEY_COLUMNS:
        codes, values = _column_codes(rows[column], column in MULTI_COLUMNS)
        per_column.append((codes, values))
        if radix * len(values) >= 2 ** 62:  # mixed-radix code would overflow: renumber the groups so far
            group = pd.factorize(group)[0].astype(np.int64)
            radix = int(group.max()) + 1
        group, radix = group * len(values) + codes, radix * len(values)
    group = pd.factorize(group)[0].astype(np.int64)  # numbered in order of first row, as before
    count = int(group.max()) + 1
    sums = np.empty((count, len(names)), order="F")  # one contiguous column per statistic
    for j, (name, values) in enumerate(columns):
        if name != names[j]:
            raise ValueError(f"statistic {name} out of order (expected {names[j]})")
        sums[:, j] = np.bincount(group, weights=values, minlength=count)
    seen = np.maximum.accumulate(group)
    first = np.flatnonzero(np.r_[True, group[1:] > seen[:-1]])  # group ids number keys by first row
    key_codes = [codes[first] for codes, _ in per_column]
    # key columns typed as pandas infers them from every key's values (dropped keys included)
    keys = pd.DataFrame({c: _objects(values)[codes].tolist()
                         for c, codes, (_, values) in zip(KEY_COLUMNS, key_codes, per_column, strict=True)})
    kept = np.flatnonzero(sums[:, names.index(COUNT)] > 0) if COUNT in names else np.arange(count)
    order = kept[_repr_order([(codes[kept], values) for codes, (_, values) in zip(key_codes, per_column,
                                                                                  strict=True)])]
    out = pd.concat([keys.iloc[order].reset_index(drop=True),
                     pd.DataFrame({name: sums[:, j][order] for j, name in enumerate(names)})], axis=1)
    out["annual_revenue"] = out["annual_revenue"].astype(float)
    return out


def _column_codes(values: pd.Series, multi: bool) -> tuple[np.ndarray, list]:
    """A code per row and the atom-key value of each code (``_key_value``), one code per distinct key value."""
    raw = values.to_numpy()
    try:
        codes, uniques = pd.factorize(raw)
    except TypeError:  # lists are unhashable
        codes, uniques = pd.factorize(values.map(lambda v: tuple(v) if isinstance(v, list) else v).to_numpy())
    if not multi and uniques.dtype.kind in "iuf":  # numbers: distinct key values already (NaN is missing)
        return np.where(codes < 0, len(uniques), codes).astype(np.int64), _Numbers(uniques)
    column = MULTI_COLUMNS[0] if multi else ""
    index: dict = {}
    remap = np.array([index.setdefault(_key_value(column, _native(u)), len(index)) for u in uniques]
                     + [index.setdefault(_key_value(column, None), len(index))], dtype=np.int64)
    return remap[codes], list(index)  # code -1 (missing) takes the last entry


class _Numbers(list):
    """The key values of a numeric column (its distinct numbers, then None for missing) that also
    keeps the numbers as an array (integers get their ``repr`` text from numpy)."""

    def __init__(self, numbers: np.ndarray):
        super().__init__([*numbers.tolist(), None])
        self.numbers = numbers


def _native(value):
    return value.item() if isinstance(value, np.generic) else value


def _objects(values: list) -> np.ndarray:
    """A 1-d object array of ``values`` (tuples stay elements, not rows)."""
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out


def _repr_order(columns: list[tuple[np.ndarray, list]]) -> np.ndarray:
    """Positions of keys sorted by ``repr`` of the whole key, ties in position order, from each key
    column's (code per key, value per code).

    Ranking column by column on each value's ``repr`` sorts by the repr of the whole key (a value's
    repr is never a prefix of another's followed by a character below ", " or ")"). A column is
    ranked only where the columns before it leave keys tied: after the partner id, usually nowhere.
    """
    m = len(columns[0][0])
    tied, prefix, ranks = np.ones(m, dtype=bool), np.zeros(m, dtype=np.int64), []
    for codes, values in columns:
        if not tied.any():  # every key told apart already
            break
        rank = np.zeros(m, dtype=np.int64)
        used, inverse = np.unique(codes[tied], return_inverse=True)
        rank[tied] = _repr_ranks(values, used)[inverse.ravel()]
        ranks.append(rank)
        prefix = np.unique(prefix * (int(rank.max(initial=0)) + 1) + rank, return_inverse=True)[1].ravel()
        tied = np.bincount(prefix, minlength=1)[prefix] > 1
    return np.lexsort((np.arange(m), *reversed(ranks)))


def _repr_ranks(values: list, used: np.ndarray) -> np.ndarray:
    """Dense rank of the ``repr`` of each of ``values[used]``."""
    numbers = getattr(values, "numbers", None)
    if numbers is not None and numbers.dtype.kind in "iu" and len(numbers):
        inside = used < len(numbers)
        picked = numbers[np.where(inside, used, 0)]
        if len(picked) and picked.min() >= 0 and picked.max() < 10 ** 17:
            return _digit_ranks(picked.astype(np.int64), inside)
        text = picked.astype(str)  # numpy writes integers as repr does
        text = text if inside.all() else np.where(inside, text, "None")
    else:
        text = np.array([repr(values[i]) for i in used.tolist()])
    if not len(text):
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(text, kind="stable")
    ranks = np.empty(len(text), dtype=np.int64)
    ranks[order] = np.cumsum(np.r_[False, text[order][1:] != text[order][:-1]])
    return ranks


def _digit_ranks(numbers: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Dense rank of the decimal text of non-negative integers below 10**17 (``inside``; elsewhere
    "None", after every digit), without writing them: text order is the order of the digits
    left-aligned to 17 places, a shorter text first on a tie ("1" < "10" < "2")."""
    digits = np.searchsorted(10 ** np.arange(1, 18, dtype=np.int64), numbers, side="right") + 1
    aligned = np.where(inside, numbers * 10 ** (17 - digits), 10 ** 17)  # "None": N sorts after the digits
    digits = np.where(inside, digits, 0)
    order = np.lexsort((digits, aligned))
    a, d = aligned[order], digits[order]
    ranks = np.empty(len(numbers), dtype=np.int64)
    ranks[order] = np.cumsum(np.r_[False, (a[1:] != a[:-1]) | (d[1:] != d[:-1])])
    return ranks


def empty(names: list[str]) -> pd.DataFrame:
    return pd.DataFrame({**{c: pd.Series(dtype=object) for c in KEY_COLUMNS},
                         **{n: pd.Series(dtype=float) for n in names}})


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
