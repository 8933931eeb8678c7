"""One disclosure plan over every view's comment summary, and its audit (issue 21).

A comment summary (``comment_summary:<scope>``) publishes, per tier cell and per region cell of its
view, the number of comments, the count of each sentiment label and, for its top themes, the
theme's count and label mix. Each of these is a number of comments in a conjunction: the cell's
segment (a region-scoped view's tier cell is the wave's ``tier=T, region=R``), and optionally a
label, a theme, or both. So every value is a 0/1 row over the same comment atoms (comments counted
per tier, region, label, theme set and partner), and the linear closure of ``analysis.disclosure``
(``_Closure``, ``_findings``, ``_separating_rows``) applies as it is, on one status name
(``comments``) holding all of them, which also covers the relations between statistics (a cell is
the sum of its labels, a theme the sum of its mix).

Withheld values: every value of a cell with fewer than ``threshold`` comments or ``min_partners``
partners, every value of a theme under them, and every theme under them a view leaves out of its
top list (so what a view omits for space cannot be recovered when small). A theme above both that
is left out for space is neither published nor protected. The plan withholds in every view what
any view withholds, then repairs: for each determined value (alone, or a pair under the
thresholds) it finds a *swap* - moving one comment between atom classes, or a rectangle of two
moves that keeps both margins (T, R -> T, R' and T', R' -> T', R) - that changes the value, and
withholds the published rows the swap changes, widened to what a summary can show as withheld (a
whole cell, or one theme of a cell). After that the swap is invisible in every published value, so
the value is no longer determined; rounds repeat until the audit finds nothing.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from .disclosure import Finding, Key, _Closure, _findings, _row_basis, _separating_rows, key_of

COMMENTS = "comments"  # the status name of every comment-summary value
DIMENSIONS = ("tier", "region")
UNKNOWN = "(unknown)"
MARKER = "suppressed"


class CommentAtoms:
    """Comments per class (tier, region, label, theme set), with each class's partners."""

    def __init__(self, records):
        counts: dict[tuple, int] = defaultdict(int)
        partners: dict[tuple, set] = defaultdict(set)
        for record in records:
            key = (str(record.get("tier") or UNKNOWN), str(record.get("region") or UNKNOWN), str(record["label"]),
                   tuple(sorted(record.get("themes") or ())))
            counts[key] += int(record.get("count", 1))
            partners[key].add(record.get("partner_id"))
        self.classes = sorted(k for k, n in counts.items() if n > 0)
        self.counts = np.array([counts[k] for k in self.classes], dtype=float)
        self.partners = [frozenset(partners[k]) for k in self.classes]
        self._masks: dict[tuple, np.ndarray] = {}

    def _pair(self, dim: str, value: str) -> np.ndarray:
        if (dim, value) not in self._masks:
            if dim == "theme":
                mask = [value in c[3] for c in self.classes]
            else:
                mask = [c[{"tier": 0, "region": 1, "label": 2}[dim]] == value for c in self.classes]
            self._masks[(dim, value)] = np.array(mask, dtype=bool).reshape(len(self.classes))
        return self._masks[(dim, value)]

    def of(self, key: Key) -> np.ndarray:
        member = np.ones(len(self.classes), dtype=bool)
        for dim, value in key:
            member &= self._pair(dim, value)
        return member

    def size(self, member: np.ndarray) -> tuple[int, int]:
        """(comments, distinct partners) of the classes ``member`` selects."""
        chosen = np.flatnonzero(member)
        return int(self.counts[chosen].sum()), len(frozenset().union(*(self.partners[i] for i in chosen)))

    def values(self, segment: Key) -> list[Key]:
        """Every value key of a segment with at least one comment: the count, each label, each theme
        and each theme x label."""
        inside = [c for c, m in zip(self.classes, self.of(segment), strict=True) if m]
        keys = {segment}
        for _, _, label, themes in inside:
            keys.add(segment + (("label", label),))
            for theme in themes:
                keys |= {segment + (("theme", theme),), segment + (("theme", theme), ("label", label))}
        return sorted(keys, key=repr)


def _theme_of(key: Key) -> str | None:
    return next((v for d, v in key if d == "theme"), None)


def _segment_of(key: Key) -> Key:
    return tuple(p for p in key if p[0] in DIMENSIONS)


def unit_of(key: Key) -> tuple:
    """What a summary shows withheld together: a whole cell (segment, None) or one theme of it."""
    return (_segment_of(key), _theme_of(key))


class _SummaryClosure(_Closure):
    """``disclosure._Closure`` over comment classes instead of respondent atoms."""

    def __init__(self, atoms: CommentAtoms, published: list[Key], withheld: list[Key]):
        self.atoms = atoms
        keys = sorted(set(published) | set(withheld), key=repr)
        self.index = {k: i for i, k in enumerate(keys)}
        self.class_rows = np.array([atoms.of(k) for k in keys], dtype=np.float64).reshape(
            len(keys), len(atoms.classes))
        self.published = list(published)
        self.row_keys = list(published)
        self.rows = np.array([self.class_rows[self.index[k]] for k in published]).reshape(
            len(published), len(atoms.classes))
        self.basis = _row_basis(self.rows)

    def size(self, vector: np.ndarray) -> tuple[int, int]:
        return self.atoms.size(vector > 0.5)


def _cells(doc: dict):
    for dim in DIMENSIONS:
        for cell in doc.get(dim) or []:
            yield dim, cell


def collect(views, atoms: CommentAtoms, threshold: int, min_partners: int,
            union_of_withheld: bool = False) -> tuple[set, set]:
    """(published, withheld) value keys of the views' summaries (``views``: (scope, doc) pairs,
    scope a (dimension, value) pair or None). As in ``disclosure.collect``: a value one view
    publishes and another withholds counts as published, unless ``union_of_withheld``."""
    published, withheld = set(), set()
    for scope, doc in views:
        for dim, cell in _cells(doc):
            segment = key_of({dim: cell.get("segment")}, scope)
            values = atoms.values(segment)
            if cell.get("suppressed") or cell.get("comments") == MARKER:
                withheld.update(values)
                continue
            shown = cell.get("themes") or {}
            labels = cell.get("labels") or {}
            for key in values:
                theme, label = _theme_of(key), dict(key).get("label")
                if theme is None:
                    hidden = label is not None and labels.get(label) == MARKER
                elif theme in shown:
                    entry = shown[theme]
                    hidden = not isinstance(entry, dict) or (label is not None and
                                                             (entry.get("labels") or {}).get(label) == MARKER)
                else:  # left out of the top list: protected when small, else only not shown
                    answers, partners = atoms.size(atoms.of(_segment_of(key) + (("theme", theme),)))
                    if answers >= threshold and partners >= min_partners:
                        continue
                    hidden = True
                (withheld if hidden else published).add(key)
    if union_of_withheld:
        published -= withheld
    else:
        withheld -= published
    return published, withheld


def audit(views, atoms: CommentAtoms, threshold: int, min_partners: int = 1) -> list[Finding]:
    """Every withheld comment-summary value (or small pair) the union of the views' published values
    determines, and every published cell or theme under the thresholds."""
    published, withheld = collect(views, atoms, threshold, min_partners)
    return _audit(atoms, published, withheld, threshold, min_partners)


def _audit(atoms: CommentAtoms, published: set, withheld: set, threshold: int, min_partners: int) -> list[Finding]:
    published_keys, withheld_keys = sorted(published, key=repr), sorted(withheld, key=repr)
    closure = _SummaryClosure(atoms, published_keys, withheld_keys)
    out = _findings(closure, COMMENTS, withheld_keys, threshold, min_partners)
    for key in published_keys:
        if dict(key).get("label") is not None:
            continue  # a label count is a published cell's (or theme's) distribution, not a group
        answers, partners = atoms.size(atoms.of(key))
        if 0 < answers and (answers < threshold or partners < min_partners):
            out.append(Finding(COMMENTS, (key,), answers, partners, "is published below the threshold"))
    return out


def plan(views, atoms: CommentAtoms, threshold: int, min_partners: int = 1, max_rounds: int = 100) -> set:
    """Make the views' summaries safe together; masks the documents in place (``mask``) and returns
    the withheld value keys."""
    published, withheld = collect(views, atoms, threshold, min_partners, union_of_withheld=True)
    members = defaultdict(set)
    for key in published | withheld:
        members[unit_of(key)].add(key)
    for unit in {unit_of(k) for k in withheld}:  # a summary withholds whole cells and whole themes
        withheld |= _unit_keys(unit, members)
    published -= withheld
    for _ in range(max_rounds):
        published_keys, withheld_keys = sorted(published, key=repr), sorted(withheld, key=repr)
        closure = _SummaryClosure(atoms, published_keys, withheld_keys)
        findings = _findings(closure, COMMENTS, withheld_keys, threshold, min_partners)
        if not findings:
            break
        chosen: set = set()
        weights: dict[tuple, int] = defaultdict(int)  # published values a unit's withholding costs
        for key in published:
            segment, theme = unit_of(key)
            weights[(segment, None)] += 1
            if theme is not None:
                weights[(segment, theme)] += 1
        for finding in findings:
            target = sum(closure.vector(k) for k in finding.keys)
            units = _swap_units(closure, atoms, target, {u: 0 if u in chosen or (u[0], None) in chosen else w
                                                         for u, w in weights.items()})
            if units is None:  # no cheap swap: the closure's own separating rows
                units = {unit_of(k) for k in _separating_rows(closure, target, set()) if k is not None}
            chosen |= units
        extra = set().union(*(_unit_keys(u, members) for u in chosen)) & published
        if not extra:
            break
        withheld |= extra
        published -= extra
    for scope, doc in views:
        mask(doc, scope, withheld)
    return withheld


def _unit_keys(unit: tuple, members: dict) -> set:
    segment, theme = unit
    if theme is not None:
        return set(members.get(unit, set()))
    return {k for (s, _), keys in members.items() if s == segment for k in keys}


def _swap_units(closure: _SummaryClosure, atoms: CommentAtoms, target: np.ndarray, weights: dict) -> set | None:
    """The cheapest set of units (``weights``: published rows a unit still has, 0 when already
    chosen) whose withholding hides a swap that changes ``target``: one comment moved from a class
    inside it to a class in the same cell or with the same label and themes elsewhere, or a
    rectangle of two such moves that keeps the tier and region margins. None when there is none."""
    rows = closure.rows
    if rows.shape[0] == 0:
        return None
    classes = atoms.classes
    unit_index: dict[tuple, int] = {}
    row_unit = np.array([unit_index.setdefault(unit_of(k), len(unit_index)) for k in closure.row_keys])
    units = list(unit_index)
    weight = np.array([weights.get(u, 0) for u in units], dtype=float)
    by_profile: dict[tuple, dict[tuple, int]] = defaultdict(dict)
    by_cell: dict[tuple, list[int]] = defaultdict(list)
    for i, (tier, region, label, themes) in enumerate(classes):
        by_profile[(label, themes)][(tier, region)] = i
        by_cell[(tier, region)].append(i)
    best, best_cost = None, None
    for a in np.flatnonzero(target > 0.5):
        tier, region, label, themes = classes[a]
        same = by_profile[(label, themes)]
        moves = [((a, b),) for b in by_cell[(tier, region)] + list(same.values()) if target[b] <= 0.5]
        for (t2, r2), c in same.items():  # rectangle: a -> (tier, r2), c = (t2, r2) -> (t2, region)
            b, d = same.get((tier, r2)), same.get((t2, region))
            if t2 != tier and r2 != region and b is not None and d is not None:
                moves.append(((a, b), (c, d)))
        for move in moves:
            change = sum(rows[:, sink] - rows[:, source] for source, sink in move)
            if abs(sum(target[sink] - target[source] for source, sink in move)) < 0.5:
                continue
            changed = np.unique(row_unit[np.abs(change) > 0.5])
            cost = weight[changed].sum()
            if best_cost is None or cost < best_cost:
                best, best_cost = {units[i] for i in changed}, cost
    return best


def mask(doc: dict, scope, withheld: set) -> None:
    """Withhold in one summary every value of the plan: a cell whose count is withheld is withheld
    whole; a theme with any value withheld shows the marker."""
    units = {unit_of(k) for k in withheld}
    for dim, cell in _cells(doc):
        segment = key_of({dim: cell.get("segment")}, scope)
        if cell.get("suppressed"):
            continue
        if segment in withheld:
            value = cell.get("segment")
            cell.clear()
            cell.update({"segment": value, "comments": MARKER, "suppressed": True})
            continue
        for theme, entry in (cell.get("themes") or {}).items():
            if isinstance(entry, dict) and (segment, theme) in units:
                cell["themes"][theme] = MARKER


def summary_views(parts: dict) -> list[tuple]:
    """(scope, doc) of every ``comment_summary:<scope>`` part in ``parts``."""
    out = []
    for name in sorted(parts):
        if name.startswith("comment_summary:") and isinstance(parts[name], dict):
            scope_name = name.split(":", 1)[1]
            out.append((None if scope_name == "all" else tuple(scope_name.split("=", 1)), parts[name]))
    return out
