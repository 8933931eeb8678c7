"""Confidentiality: primary and complementary suppression of small cells.

Primary: a cell with fewer respondents than the threshold is suppressed. Complementary: in
every *line* of a table (the whole table, whose total is published, and for crossed tables
each row and each column, whose margins are published by the one-dimension tables) a line
may not hold exactly one suppressed non-empty cell (an empty hidden cell protects nothing), or it
could be recovered by subtracting the other cells from the margin; the smallest published cell
of such a line is suppressed as well (avoiding cells that are alone in another line, which equal
that line's margin), repeated until no line has a single suppressed cell or hidden cells adding up to fewer than the
threshold. A question's plan starts
from the cells' plan, so the union of both is protected. When a line cannot be protected from
inside (its only other cells have no answers), its margin is withheld instead (``stuck_margins``).
"""
from __future__ import annotations

import pandas as pd

from .segments import segment_columns

PRIMARY, COMPLEMENTARY = "primary", "complementary"
MARKER = "suppressed"
CONCENTRATED = "concentrated"
#: revenue-weighted NPS is withheld when the largest partner carries more than the first share of
#: the weight, or the two largest more than the second (see docs/analysis.md)
CONCENTRATION_LIMITS = (0.5, 0.75)


def suppress_cells(cells: pd.DataFrame, keys: list[str], count: str, threshold: int,
                   total: float | None = None, hidden_margins: dict[str, set] | None = None,
                   hidden_already: pd.Series | None = None, partners: str | None = None,
                   min_partners: int = 1, total_partners: float | None = None) -> pd.Series:
    """Suppression status per row of ``cells``: None (published), 'primary' or 'complementary'.

    ``cells`` has one row per cell, the segment key columns ``keys`` and a count column.
    ``total`` (the published overall count) adds a rule for overlapping segments: a cell whose
    complement total - n is below the threshold is suppressed, since total minus the cell would
    describe that small rest. ``hidden_margins`` maps a key column to the labels suppressed in its
    own one-dimension table: a line of a crossed table whose margin is hidden needs at least one
    hidden cell, or adding up its cells would reveal the margin. ``hidden_already``: the status of
    a plan this one refines (a question's plan starts from the cells' plan), so the union of both
    plans is protected, not each alone. ``partners`` names the column of distinct partners behind each
    count: a cell (or its complement against ``total_partners``) with fewer than ``min_partners``
    partners is suppressed too, since a cell of one or two partners is those partners' own score.
    """
    few = (cells[partners] < min_partners) if partners and partners in cells else pd.Series(False, index=cells.index)
    status = pd.Series([PRIMARY if n < threshold or few[i] else None for i, n in cells[count].items()],
                       index=cells.index, dtype="object")
    if hidden_already is not None:
        for i, reason in hidden_already.items():
            if reason and status[i] is None:
                status[i] = reason
    if total is not None:
        for i, n in cells[count].items():
            rest_partners = (total_partners - cells.at[i, partners]
                             if total_partners is not None and partners and partners in cells else None)
            if status[i] is None and (0 < total - n < threshold
                                      or 0 < total - n and rest_partners is not None and rest_partners < min_partners):
                status[i] = COMPLEMENTARY
    lines: list[tuple[list, bool]] = [(list(cells.index), False)]
    if len(keys) > 1:
        for key in keys:
            others = [k for k in keys if k != key]
            for label, group in cells.groupby(others, sort=False):
                label = label[0] if isinstance(label, tuple) and len(others) == 1 else label
                margin_hidden = len(others) == 1 and label in (hidden_margins or {}).get(others[0], set())
                lines.append((list(group.index), margin_hidden))
    alone = set()
    for line, margin_hidden in lines[1:]:
        filled = [i for i in line if cells.at[i, count] > 0]
        if not margin_hidden and len(filled) == 1:
            alone.add(filled[0])
    changed = True
    while changed:
        changed = False
        for line, margin_hidden in lines:
            # an empty cell protects nothing: the margin minus the other cells would still be exact
            hidden = [i for i in line if status[i] is not None and cells.at[i, count] > 0]
            shown = [i for i in line if status[i] is None]
            # a line's hidden cells together are its margin minus the shown ones: they must be at
            # least two and add up to at least the threshold, or the margin reveals a small group
            small = hidden and (len(hidden) == 1 or sum(cells.at[i, count] for i in hidden) < threshold)
            if shown and (small and not margin_hidden or margin_hidden and not hidden):
                # a cell alone in another line equals that line's published margin: hiding it
                # protects nothing, so such cells are the last choice
                smallest = min(shown, key=lambda i: (i in alone, _dead_end(i, line, lines, status, cells, count,
                                                                           alone),
                                                     cells.at[i, count], str(i)))
                status[smallest] = COMPLEMENTARY
                changed = True
    return status


def _dead_end(candidate, current, lines, status, cells, count, alone) -> bool:
    """True when hiding ``candidate`` would leave another of its lines with a single hidden cell and
    only cells that are alone elsewhere to complement it (one step of look-ahead)."""
    for line, _ in lines[1:]:
        if candidate not in line or line is current:
            continue
        hidden = [i for i in line if i != candidate and status[i] is not None and cells.at[i, count] > 0]
        if hidden:
            continue
        options = [i for i in line if i != candidate and status[i] is None and cells.at[i, count] > 0]
        if options and all(i in alone for i in options):
            return True
    return False


def partner_column(name: str, column: str, cells) -> str:
    """The column of distinct partners behind a status name's count (see ``suppress_cells``)."""
    if name in ("nps", "partners"):
        return "p_one"
    if name == "revenue":
        return "p_wone"
    clusters = column.replace("__n", "__c_g")
    return clusters if column.endswith("__n") and clusters in cells else "partners"


def table_status(sums: pd.DataFrame, invited: pd.DataFrame | None, dims, specs, threshold, totals: pd.Series,
                 margins: dict[str, dict[str, set]] | None = None, forced: dict[str, set] | None = None,
                 min_partners: int = 1):
    """Suppression status per cell and per question (see suppression.py).

    ``totals`` are the overall sums (published margins); ``margins`` maps a status name to the
    hidden labels of each dimension's own one-dimension table. ``forced`` (one-dimension tables
    only) maps a status name to labels that must be hidden because a crossed table could not
    protect them (see :func:`stuck_margins`).
    """
    keys = segment_columns(dims)
    cells = sums.reset_index(drop=True)
    if invited is not None:
        cells = cells.merge(invited, on=keys, how="left")
    margins = margins or {}
    columns = {"cell": "n", "partners": "p_one", "revenue": "p_wone"}
    columns.update({spec.id: f"{spec.id}__n" for spec in specs
                    if spec.type in ("rating", "single_choice", "multi_choice")})
    if any(spec.type == "nps" for spec in specs) and "nps_n" in cells:
        columns["nps"] = "nps_n"
    forced = forced or {}

    def already(name, base):
        labels = forced.get(name, set())
        if not labels:
            return base
        marked = pd.Series([COMPLEMENTARY if cells.at[i, keys[0]] in labels else None for i in cells.index],
                           index=cells.index, dtype="object")
        return marked if base is None else base.where(base.notna(), marked)

    def plan(name, column, base):
        partners = partner_column(name, column, cells)
        return suppress_cells(cells, keys, column, threshold, total=float(totals[column]),
                              hidden_margins=margins.get(name), hidden_already=already(name, base),
                              partners=partners, min_partners=min_partners,
                              total_partners=float(totals[partners]) if partners in totals else None)

    status = {"cell": plan("cell", "n", None)}
    status.update({name: plan(name, column, status["cell"]) for name, column in columns.items() if name != "cell"})
    return cells, status, columns


def stuck_margins(cells: pd.DataFrame, keys: list[str], status: dict, columns: dict, threshold: int,
                  margins: dict) -> dict[tuple[str | None, str], set]:
    """Published margins a table could not protect: ``{(key column, status name): labels}``.

    A line (a row or column of a crossed table, or a whole one-dimension table against the
    overall) whose hidden non-empty cells are a single cell, or add up to fewer than the threshold,
    while no published non-empty cell is left to hide beside them: its published margin minus
    nothing gives the hidden value. This happens when a question's plan inherits a cell hidden for
    another reason and the line's other cells have no answers. The fix is to withhold that margin
    for that status name. For a crossed table ``margins`` is as in :func:`suppress_cells` and the
    key is the margin's column and label; for a one-dimension table ``margins`` is the overall's
    status per name and the key is ``(None, name)`` with the label ``"overall"``.
    """
    stuck: dict[tuple[str | None, str], set] = {}
    for name, plan in status.items():
        column = columns[name]
        if len(keys) == 1:
            lines = [(None, "overall", list(cells.index))] if not _hidden_overall(margins, name) else []
        else:
            lines = []
            for key in keys:
                other = next(k for k in keys if k != key)
                for label, group in cells.groupby(other, sort=False):
                    if label not in margins.get(name, {}).get(other, set()):
                        lines.append((other, label, list(group.index)))
        for other, label, line in lines:
            filled = [i for i in line if cells.at[i, column] > 0]
            hidden = [i for i in filled if plan[i]]
            small = hidden and (len(hidden) == 1 or sum(cells.at[i, column] for i in hidden) < threshold)
            if small and all(plan[i] for i in filled):
                stuck.setdefault((other, name), set()).add(label)
    return stuck


def _hidden_overall(overall_status: dict | None, name: str) -> bool:
    plan = (overall_status or {}).get(name)
    return plan is None or bool(plan[0])


def hidden_labels(cells: pd.DataFrame, status: dict, dim: str) -> dict[str, set]:
    """Per status name: the labels of a one-dimension table that are suppressed."""
    key = segment_columns([dim])[0]
    return {name: {cells.at[i, key] for i in s.index if s[i]} for name, s in status.items()}


def revenue_concentrated(row, limits: tuple[float, float] = CONCENTRATION_LIMITS) -> bool:
    """True when one partner (or two) dominate a cell's revenue weight, so the revenue-weighted
    NPS would nearly be that partner's own score."""
    total = float(row.get("p_wv", 0.0) or 0.0)
    if total <= 0:
        return False
    first, second = float(row.get("p_wmax1", 0.0)), float(row.get("p_wmax2", 0.0))
    return first / total > limits[0] or (first + second) / total > limits[1]
