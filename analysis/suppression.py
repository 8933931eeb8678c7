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

PRIMARY, COMPLEMENTARY = "primary", "complementary"
MARKER = "suppressed"


def suppress_cells(cells: pd.DataFrame, keys: list[str], count: str, threshold: int) -> pd.Series:
    """Suppression status per row of ``cells``: None (published), 'primary' or 'complementary'.

    ``cells`` has one row per cell, the segment key columns ``keys`` and a count column.
    """
    status = pd.Series([PRIMARY if n < threshold else None for n in cells[count]],
                       index=cells.index, dtype="object")
    lines = [list(cells.index)]
    if len(keys) > 1:
        for key in keys:
            others = [k for k in keys if k != key]
            lines.extend(list(group.index) for _, group in cells.groupby(others, sort=False))
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [i for i in line if status[i] is not None]
            shown = [i for i in line if status[i] is None]
            if len(hidden) == 1 and shown:
                smallest = min(shown, key=lambda i: (cells.at[i, count], str(i)))
                status[smallest] = COMPLEMENTARY
                changed = True
    return status
