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
