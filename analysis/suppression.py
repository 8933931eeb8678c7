"""Confidentiality: primary and complementary suppression of small cells.

Primary: a cell with fewer respondents than the threshold is suppressed. Complementary: in
every *line* of a table (the whole table, whose total is published, and for crossed tables
each row and each column, whose margins are published by the one-dimension tables) a line
may not hold exactly one suppressed cell, or it could be recovered by subtracting the other
cells from the margin; the smallest published cell of such a line is suppressed as well,
repeated until no line has a single suppressed cell.
"""
from __future__ import annotations

import pandas as pd

from .segments import segment_columns

PRIMARY, COMPLEMENTARY = "primary", "complementary"
MARKER = "suppressed"


def suppress_cells(cells: pd.DataFrame, keys: list[str], count: str, threshold: int,
                   total: float | None = None, hidden_margins: dict[str, set] | None = None) -> pd.Series:
    """Suppression status per row of ``cells``: None (published), 'primary' or 'complementary'.

    ``cells`` has one row per cell, the segment key columns ``keys`` and a count column.
    ``total`` (the published overall count) adds a rule for overlapping segments: a cell whose
    complement total - n is below the threshold is suppressed, since total minus the cell would
    describe that small rest. ``hidden_margins`` maps a key column to the labels suppressed in its
    own one-dimension table: a line of a crossed table whose margin is hidden needs at least one
    hidden cell, or adding up its cells would reveal the margin.
    """
    status = pd.Series([PRIMARY if n < threshold else None for n in cells[count]], index=cells.index, dtype="object")
    if total is not None:
        for i, n in cells[count].items():
            if status[i] is None and 0 < total - n < threshold:
                status[i] = COMPLEMENTARY
    lines: list[tuple[list, bool]] = [(list(cells.index), False)]
    if len(keys) > 1:
        for key in keys:
            others = [k for k in keys if k != key]
            for label, group in cells.groupby(others, sort=False):
                label = label[0] if isinstance(label, tuple) and len(others) == 1 else label
                margin_hidden = len(others) == 1 and label in (hidden_margins or {}).get(others[0], set())
                lines.append((list(group.index), margin_hidden))
    changed = True
    while changed:
        changed = False
        for line, margin_hidden in lines:
            hidden = [i for i in line if status[i] is not None]
            shown = [i for i in line if status[i] is None]
            if shown and (len(hidden) == 1 and not margin_hidden or margin_hidden and not hidden):
                smallest = min(shown, key=lambda i: (cells.at[i, count], str(i)))
                status[smallest] = COMPLEMENTARY
                changed = True
    return status


def table_status(sums: pd.DataFrame, invited: pd.DataFrame | None, dims, specs, threshold, totals: pd.Series,
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


def hidden_labels(cells: pd.DataFrame, status: dict, dim: str) -> dict[str, set]:
    """Per status name: the labels of a one-dimension table that are suppressed."""
    key = segment_columns([dim])[0]
    return {name: {cells.at[i, key] for i in s.index if s[i]} for name, s in status.items()}
