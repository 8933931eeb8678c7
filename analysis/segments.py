"""Breakdown dimensions: which respondent column each one reads and how segments are formed.

Single-valued dimensions partition respondents; multi-valued ones (partner type, incentive
program) put a respondent in every segment it belongs to, so their segments overlap.
A combination such as ``tier:region`` crosses dimensions.
"""
from __future__ import annotations

import pandas as pd

from chalicelib.domain.errors import FieldProblem, InvalidInput

#: dimension name -> (frame column, multi-valued?)
DIMENSIONS: dict[str, tuple[str, bool]] = {
    "tier": ("tier", False),
    "region": ("region", False),
    "country": ("country", False),
    "transacting": ("transacting", False),
    "revenue_band": ("revenue_band", False),
    "partner_type": ("partner_types", True),
    "program": ("programs", True),
}
DEFAULT_BREAKDOWNS = ("tier", "region", "partner_type", "transacting", "program", "tier:region")
UNKNOWN, NONE = "(unknown)", "(none)"


def parse_breakdowns(text: str | None) -> list[list[str]]:
    """``"tier,region,tier:region"`` -> [["tier"], ["region"], ["tier", "region"]]."""
    if not text:
        text = ",".join(DEFAULT_BREAKDOWNS)
    breakdowns = []
    for term in (t.strip() for t in text.split(",")):
        if not term:
            continue
        dims = [d.strip() for d in term.split(":")]
        unknown = [d for d in dims if d not in DIMENSIONS]
        if unknown or len(set(dims)) != len(dims):
            raise InvalidInput(FieldProblem("--by", f"'{term}': dimensions are {', '.join(DIMENSIONS)}; "
                                            "cross them with ':' (tier:region), each at most once"))
        breakdowns.append(dims)
    return breakdowns


def segment_frame(frame: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """The rows of ``frame`` with one string column per dimension, exploded for multi-valued ones.

    Keeps the original index so callers can join back; a respondent in two programs appears twice.
    """
    out = frame
    for dim in dims:
        column, multi = DIMENSIONS[dim]
        values = out[column]
        if multi:
            values = values.map(lambda v: tuple(v) if isinstance(v, (tuple, list)) and len(v) else (NONE,))
            out = out.assign(**{f"__{dim}": values}).explode(f"__{dim}")
        else:
            out = out.assign(**{f"__{dim}": values.astype("object").where(values.notna(), UNKNOWN)
                                .astype(str)})
    return out.rename(columns={f"__{d}": f"seg_{d}" for d in dims})


def segment_columns(dims: list[str]) -> list[str]:
    return [f"seg_{d}" for d in dims]


class DimensionCodes:
    """Integer codes of one dimension for fast grouping (``np.bincount``) on large frames.

    ``labels`` are sorted; single-valued dimensions have one code per row, multi-valued ones a
    flat list of member codes per row given by ``offsets``/``counts`` (a row with no member
    gets the NONE label).
    """

    def __init__(self, frame: pd.DataFrame, dim: str):
        import numpy as np

        column, self.multi = DIMENSIONS[dim]
        values = frame[column]
        if not self.multi:
            codes, uniques = pd.factorize(values, sort=True)
            labels = [str(u) for u in uniques]
            if (codes < 0).any():
                labels.append(UNKNOWN)
                codes = np.where(codes < 0, len(labels) - 1, codes)
            order = np.argsort(labels, kind="stable")  # str labels sorted (values may be bools or numbers)
            rank = np.empty(len(labels), dtype=np.int64)
            rank[order] = np.arange(len(labels))
            self.labels = [labels[i] for i in order]
            self.codes = rank[codes].astype(np.int64) if len(labels) else codes.astype(np.int64)
            return
        try:
            raw_codes, uniques = pd.factorize(values)
        except TypeError:  # lists are unhashable
            raw_codes, uniques = pd.factorize(values.map(_as_tuple))
        members = [_as_tuple(u) or (NONE,) for u in uniques]
        if (raw_codes < 0).any():  # missing values: no member
            members.append((NONE,))
            raw_codes = np.where(raw_codes < 0, len(members) - 1, raw_codes)
        self.labels = sorted({m for ms in members for m in ms})
        position = {label: i for i, label in enumerate(self.labels)}
        member_codes = [np.array([position[m] for m in ms], dtype=np.int64) for ms in members]
        lengths = np.array([len(m) for m in member_codes], dtype=np.int64)
        self.counts = lengths[raw_codes]
        self.offsets = (np.cumsum(self.counts) - self.counts).astype(np.int64)  # also right for no rows
        flat_by_unique = np.concatenate(member_codes) if member_codes else np.zeros(0, dtype=np.int64)
        unique_offsets = (np.cumsum(lengths) - lengths).astype(np.int64)
        starts = np.repeat(unique_offsets[raw_codes], self.counts)
        within = np.arange(int(self.counts.sum())) - np.repeat(self.offsets, self.counts)
        self.flat = flat_by_unique[starts + within] if len(starts) else np.zeros(0, dtype=np.int64)

    @property
    def size(self) -> int:
        return len(self.labels)


def _as_tuple(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else ()


def cross(codes: list[DimensionCodes], n: int):
    """(rows, segment codes, sizes) for the crossing of dimensions; rows repeat for multi-valued ones."""
    import numpy as np

    rows = np.arange(n, dtype=np.int64)
    combined = np.zeros(n, dtype=np.int64)
    for dim in codes:
        if not dim.multi:
            combined = combined * dim.size + dim.codes[rows]
            continue
        counts = dim.counts[rows]
        total = int(counts.sum())
        starts = np.repeat(dim.offsets[rows], counts)
        within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        combined = np.repeat(combined, counts) * dim.size + dim.flat[starts + within]
        rows = np.repeat(rows, counts)
    return rows, combined, [d.size for d in codes]


def decode(code: int, codes: list[DimensionCodes]) -> tuple[str, ...]:
    """Labels of a crossed segment code."""
    labels = []
    for dim in reversed(codes):
        code, index = divmod(code, dim.size)
        labels.append(dim.labels[index])
    return tuple(reversed(labels))
