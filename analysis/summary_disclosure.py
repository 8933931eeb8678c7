"""One disclosure plan over every view's comment summary, and its audit (issue 21).

A comment summary (``comment_summary:<scope>``) publishes, per tier cell and per region cell of its
view, the number of comments, the count of each sentiment label and, for its top themes, the
theme's count and label mix. Each of these is a number of comments in a conjunction: the cell's
segment (a region-scoped view's tier cell is the wave's ``tier=T, region=R``), and optionally a
label, a theme, or both. So every value is a 0/1 row over the same comment classes (tier, region,
label, theme set; partners kept per class for the partner threshold), and the linear closure of
``analysis.disclosure`` (``_Closure``, ``_findings``, ``_separating_rows``) applies as it is, on
one status name (``comments``) holding all of them, which also covers the relations between
statistics (a cell is the sum of its labels, a theme the sum of its mix).

Reader model (``CommentAtoms(lattice=True)``, what the snapshot uses): the reader knows every
published value and the zeros they imply; which (cell, label, theme set) classes are empty is not
published, so every class of a cell and a profile seen in the wave is an unknown unless a published
zero rules it out (``unknown_classes``). ``lattice=False`` is stricter: the reader also knows which
classes are empty.

Withheld values: every value of a cell with fewer than ``threshold`` comments or ``min_partners``
partners, every value of a theme under them, and every theme under them a view leaves out of its
top list (so what a view omits for space cannot be recovered when small). A theme above both that
is left out for space is neither published nor protected. The plan withholds in every view what
any view withholds, then repairs: for each determined value (alone, or a pair under the
thresholds) it finds the cheapest *swap* (``_moves``: comments moved between cells or re-tagged
with other themes, alone or as rectangles that keep the tier and region margins) that changes the
value, and withholds the published values the swap changes, widened to what a summary can show as
withheld (a whole cell, or one theme of a cell). After that the swap is invisible in every
published value, so the value is no longer determined. A value withheld only to protect another
and determined anyway is shown again (it adds nothing). Rounds repeat until the audit finds
nothing.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from .disclosure import Finding, Key, _Closure, _findings, _row_basis, _separating_rows, key_of

COMMENTS = "comments"  # the status name of every comment-summary value
DIMENSIONS = ("tier", "region")
UNKNOWN = "(unknown)"
MARKER = "suppressed"
TOP_THEMES = 8  # themes a summary cell lists (``snapshot_builder.comment_summary``)


class CommentAtoms:
    """Comments per class (tier, region, label, theme set), with each class's partners.

    ``lattice``: besides the classes that hold comments, every (cell, label, theme set) of a cell
    and a profile that occur in the wave, with no comments: a reader does not know which of them
    are empty unless a published zero says so (``implied_zeros``). Without it, the reader is
    assumed to know which classes are empty (stricter)."""

    def __init__(self, records, lattice: bool = False, tone_of=None):
        counts: dict[tuple, int] = defaultdict(int)
        partners: dict[tuple, set] = defaultdict(set)
        tone_of = tone_of or (lambda record, theme: record["label"])
        for record in records:
            # a class's themes are (theme, tone) pairs: a theme's label mix counts each theme's own tone
            themes = tuple(sorted((str(t), str(tone_of(record, t))) for t in record.get("themes") or ()))
            key = (str(record.get("tier") or UNKNOWN), str(record.get("region") or UNKNOWN), str(record["label"]),
                   themes)
            counts[key] += int(record.get("count", 1))
            partners[key].add(record.get("partner_id"))
        live = {k for k, n in counts.items() if n > 0}
        if lattice:
            cells, profiles = {k[:2] for k in live}, {k[2:] for k in live}
            live |= {c + p for c in cells for p in profiles}
        self.lattice = lattice
        self.classes = sorted(live)
        self.counts = np.array([counts.get(k, 0) for k in self.classes], dtype=float)
        self.partners = [frozenset(partners.get(k, ())) for k in self.classes]
        self._masks: dict[tuple, np.ndarray] = {}

    def _pair(self, dim: str, value) -> np.ndarray:
        if (dim, value) not in self._masks:
            if dim == "theme":
                mask = [any(t == value for t, _ in c[3]) for c in self.classes]
            elif dim == "tone":  # (theme, label): the theme's own tone in the comment
                mask = [value in c[3] for c in self.classes]
            else:
                mask = [c[{"tier": 0, "region": 1, "label": 2}[dim]] == value for c in self.classes]
            self._masks[(dim, value)] = np.array(mask, dtype=bool).reshape(len(self.classes))
        return self._masks[(dim, value)]

    def of(self, key: Key) -> np.ndarray:
        """The classes a value key counts. A theme's label (``theme, label``) is the theme's own tone."""
        member = np.ones(len(self.classes), dtype=bool)
        given = dict(key)
        theme = given.get("theme")
        for dim, value in key:
            member &= self._pair("tone", (theme, value)) if dim == "label" and theme is not None \
                else self._pair(dim, value)
        return member

    def size(self, member: np.ndarray) -> tuple[int, int]:
        """(comments, distinct partners) of the classes ``member`` selects."""
        chosen = np.flatnonzero(member)
        return int(self.counts[chosen].sum()), len(frozenset().union(*(self.partners[i] for i in chosen)))

    def values(self, segment: Key) -> list[Key]:
        """Every value key of a segment with at least one comment: the count, each label, each theme
        and each theme x label."""
        inside = [c for c, m, n in zip(self.classes, self.of(segment), self.counts, strict=True) if m and n > 0]
        keys = {segment}
        for _, _, label, themes in inside:
            keys.add(segment + (("label", label),))
            for theme, tone in themes:
                keys |= {segment + (("theme", theme),), segment + (("theme", theme), ("label", tone))}
        return sorted(keys, key=repr)


def _theme_of(key: Key) -> str | None:
    return next((v for d, v in key if d == "theme"), None)


def _segment_of(key: Key) -> Key:
    return tuple(p for p in key if p[0] in DIMENSIONS)


def unit_of(key: Key) -> tuple:
    """What a summary shows withheld together: a whole cell (segment, None) or one theme of it."""
    return (_segment_of(key), _theme_of(key))


class _SummaryClosure(_Closure):
    """``disclosure._Closure`` over comment classes instead of respondent atoms; ``unknown``: the
    classes a reader cannot rule out (the others are known to be empty)."""

    def __init__(self, atoms: CommentAtoms, published: list[Key], withheld: list[Key], unknown: np.ndarray):
        self.atoms = atoms
        self.unknown = unknown
        keys = sorted(set(published) | set(withheld), key=repr)
        self.index = {k: i for i, k in enumerate(keys)}
        self.class_rows = np.array([atoms.of(k) & unknown for k in keys], dtype=np.float64).reshape(
            len(keys), len(atoms.classes))
        self.published = list(published)
        self.row_keys = list(published)
        self.rows = np.array([self.class_rows[self.index[k]] for k in published]).reshape(
            len(published), len(atoms.classes))
        self.columns = np.flatnonzero(unknown)  # the basis over the unknown classes only
        self.basis = _row_basis(self.rows[:, self.columns])

    def residual(self, vector: np.ndarray) -> np.ndarray:
        """The part of ``vector`` (over the unknown classes) outside the published rows' span."""
        part = vector[self.columns]
        return part if self.basis.shape[0] == 0 else part - self.basis.T @ (self.basis @ part)

    def size(self, vector: np.ndarray) -> tuple[int, int]:
        return self.atoms.size(vector > 0.5)


def unknown_classes(views, atoms: CommentAtoms) -> np.ndarray:
    """The classes a reader of ``views`` cannot rule out: those holding comments and, on a lattice,
    the empty ones no published zero covers (a cell's label shown as 0, a label missing from a
    shown theme's mix, a theme missing from a cell that lists all its themes, a cell no view lists)."""
    unknown = atoms.counts > 0
    if not atoms.lattice:
        return unknown
    zero = np.zeros(len(atoms.classes), dtype=bool)
    listed = np.zeros(len(atoms.classes), dtype=bool)
    labels = sorted({c[2] for c in atoms.classes})
    themes = sorted({t for c in atoms.classes for t, _ in c[3]})
    for scope, doc in views:
        for dim, cell in _cells(doc):
            segment = key_of({dim: cell.get("segment")}, scope)
            listed |= atoms.of(segment)
            if cell.get("suppressed"):
                continue
            shown = cell.get("themes") or {}
            for label in labels:
                if (cell.get("labels") or {}).get(label, 0) == 0:
                    zero |= atoms.of(segment + (("label", label),))
            for theme in themes:
                entry = shown.get(theme)
                if entry is None and len(shown) < TOP_THEMES:
                    zero |= atoms.of(segment + (("theme", theme),))
                elif isinstance(entry, dict):
                    for label in labels:
                        if (entry.get("labels") or {}).get(label, 0) == 0:
                            zero |= atoms.of(segment + (("theme", theme), ("label", label)))
    return unknown | (listed & ~zero)


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
    published_keys, withheld_keys = sorted(published, key=repr), sorted(withheld, key=repr)
    closure = _SummaryClosure(atoms, published_keys, withheld_keys, unknown_classes(views, atoms))
    out = _findings(closure, COMMENTS, withheld_keys, threshold, min_partners)
    for key in published_keys:
        if dict(key).get("label") is not None:
            continue  # a label count is a published cell's (or theme's) distribution, not a group
        answers, partners = atoms.size(atoms.of(key))
        if 0 < answers and (answers < threshold or partners < min_partners):
            out.append(Finding(COMMENTS, (key,), answers, partners, "is published below the threshold"))
    return out


PLAN_PASSES = 5  # plans over the masked documents until their audit is clean (``plan``)


def plan(views, atoms: CommentAtoms, threshold: int, min_partners: int = 1, max_rounds: int = 1000) -> set:
    """Make the views' summaries safe together; masks the documents in place (``mask``) and returns
    the withheld value keys. Masking widens what is withheld to whole cells and themes, which can
    change the zeros a reader infers, so the masked documents are audited and planned again until
    the audit is clean (at most ``PLAN_PASSES``; then everything published is withheld)."""
    withheld: set = set()
    for _ in range(PLAN_PASSES):
        withheld |= _plan_pass(views, atoms, threshold, min_partners, max_rounds)
        if not audit(views, atoms, threshold, min_partners):
            return withheld
    published, _ = collect(views, atoms, threshold, min_partners)
    withheld |= published
    for scope, doc in views:
        mask(doc, scope, withheld)
    return withheld


def _plan_pass(views, atoms: CommentAtoms, threshold: int, min_partners: int, max_rounds: int) -> set:
    """One plan over the documents as they are. Each round repairs one finding per withheld unit (a
    cell's count before its labels and themes), so that the next round sees what the repair hid."""
    published, withheld = collect(views, atoms, threshold, min_partners, union_of_withheld=True)
    members = defaultdict(set)
    for key in published | withheld:
        members[unit_of(key)].add(key)
    for unit in {unit_of(k) for k in withheld}:  # a summary withholds whole cells and whole themes
        withheld |= _unit_keys(unit, members)
    published -= withheld
    small = {u for u in members if _small(atoms, u, threshold, min_partners)}
    restored: set = set()
    unknown = unknown_classes(views, atoms)
    for _ in range(max_rounds):
        published_keys, withheld_keys = sorted(published, key=repr), sorted(withheld, key=repr)
        closure = _SummaryClosure(atoms, published_keys, withheld_keys, unknown)
        back = _restorable(closure, withheld, members, small | restored)
        if back:  # withheld only to protect others, and determined anyway: publishing adds nothing
            restored |= {unit_of(k) for k in back}
            withheld -= back
            published |= back
            continue
        findings = _findings(closure, COMMENTS, withheld_keys, threshold, min_partners)
        if not findings:
            break
        chosen, handled = set(), set()
        weights = _weights(published)
        for finding in sorted(findings, key=lambda f: (len(f.keys), [len(k) for k in f.keys], repr(f.keys))):
            if unit_of(finding.keys[0]) in handled:
                continue
            handled.add(unit_of(finding.keys[0]))
            target = sum(closure.vector(k) for k in finding.keys)
            units = _swap_units(closure, atoms, target, {u: 0 if u in chosen or (u[0], None) in chosen else w
                                                         for u, w in weights.items()})
            if not units:  # no swap of ours: the closure's own separating rows
                units = {unit_of(k) for k in _separating_rows(closure, target, set()) if k is not None}
            chosen |= units
        extra = set().union(*(_unit_keys(u, members) for u in chosen)) & published
        if not extra:  # last resort (not seen in the tests): withhold everything rather than leak
            extra = set(published)
        withheld |= extra
        published -= extra
    else:
        withheld |= published  # out of rounds: the same last resort
    for scope, doc in views:
        mask(doc, scope, withheld)
    return withheld


def _small(atoms: CommentAtoms, unit: tuple, threshold: int, min_partners: int) -> bool:
    """A cell or theme under the thresholds (what the plan protects, never publishes)."""
    segment, theme = unit
    answers, partners = atoms.size(atoms.of(segment + ((("theme", theme),) if theme else ())))
    return answers < threshold or partners < min_partners


def _restorable(closure: _SummaryClosure, withheld: set, members: dict, keep: set) -> set:
    """The withheld keys of every unit (not in ``keep``) whose values the published ones all
    determine: they are known anyway, so they can be shown. A cell's own values (count, labels) come
    back without its themes; a theme only in a cell shown."""
    def determined(key) -> bool:
        vector = closure.vector(key)
        return not vector.any() or np.linalg.norm(closure.residual(vector)) < 1e-7 * max(1.0, np.linalg.norm(vector))

    out, cores = set(), set()
    units = {unit_of(k) for k in withheld} - keep
    for unit in sorted((u for u in units if u[1] is None), key=repr):
        keys = members[unit] & withheld
        if keys and all(determined(k) for k in keys):
            out |= keys
            cores.add(unit[0])
    for unit in sorted((u for u in units if u[1] is not None), key=repr):
        keys = members[unit] & withheld
        shown = unit[0] in cores or not (members[(unit[0], None)] & withheld)
        if shown and keys and all(determined(k) for k in keys):
            out |= keys
    return out


MARGIN_WEIGHT = 2  # a tier or region total is what the whole view shows: hide it last


def _weights(published: set) -> dict[tuple, int]:
    """What withholding each unit costs: its published values (a margin's count double)."""
    weights: dict[tuple, int] = defaultdict(int)
    for key in published:
        segment, theme = unit_of(key)
        factor = MARGIN_WEIGHT if len(segment) == 1 else 1
        weights[(segment, None)] += factor
        if theme is not None:
            weights[(segment, theme)] += factor
    return weights


def _unit_keys(unit: tuple, members: dict) -> set:
    segment, theme = unit
    if theme is not None:
        return set(members.get(unit, set()))
    return {k for (s, _), keys in members.items() if s == segment for k in keys}


SOURCES = 12  # comment classes of a target the swaps start from (the largest)


def _moves(atoms: CommentAtoms, target: np.ndarray, unknown: np.ndarray) -> set[tuple]:
    """Candidate swaps, each ((source class, sink class), ...) moving one comment per pair:

    * a comment of the target moved to another class of its cell, or to the class with its label
      and themes in another cell; or a rectangle of such moves over two tiers and two regions
      (the cells' counts change, the tier and region margins do not);
    * a comment of the target's cell given other themes, same label (``L, X -> L, Y``): only the
      rows of the themes in X or Y but not both change; alone, with the opposite change in another
      cell of the same tier or region, or as a rectangle of four such changes that leaves every
      margin's theme counts as they are.

    Only classes a reader cannot rule out (``unknown``) take part."""
    classes = atoms.classes
    index = {c: i for i, c in enumerate(classes) if unknown[i]}
    tiers = sorted({c[0] for c in classes})
    regions = sorted({c[1] for c in classes})
    profiles: dict[tuple, set] = defaultdict(set)  # (tier, region, label) -> theme sets present
    for tier, region, label, themes in index:
        profiles[(tier, region, label)].add(themes)
    sources = [a for a in np.flatnonzero(target > 0.5) if atoms.counts[a] > 0]
    sources = sorted(sources, key=lambda a: (-atoms.counts[a], a))[:SOURCES]
    moves: set[tuple] = set()
    for a in sources:
        tier, region, label, themes = classes[a]
        others = [(t, r) for t in tiers for r in regions if (t, r) != (tier, region)]
        for c, b in index.items():
            if target[b] <= 0.5 and ((c[0], c[1]) == (tier, region) or c[2:] == (label, themes)):
                moves.add(((a, b),))
        for t2, r2 in others:
            if t2 != tier and r2 != region:
                b, c = index.get((tier, r2, label, themes)), index.get((t2, r2, label, themes))
                d = index.get((t2, region, label, themes))
                if b is not None and c is not None and d is not None:
                    moves.add(((a, b), (c, d)))
        for other in profiles[(tier, region, label)] - {themes}:
            own = (a, index[(tier, region, label, other)])
            for t2, r2 in others:  # the opposite change (other -> themes) in other cells
                if t2 == tier or r2 == region:
                    line = _retag(index, (t2, r2, label), other, themes)
                    if line is not None:
                        moves.add((own, line))
                    continue
                b = _retag(index, (tier, r2, label), other, themes)
                d = _retag(index, (t2, region, label), other, themes)
                c = _retag(index, (t2, r2, label), themes, other)
                if b is not None and c is not None and d is not None:
                    moves.add((own, b, c, d))
    return moves


def _retag(index: dict, cell: tuple, source: tuple, sink: tuple) -> tuple[int, int] | None:
    """(source class, sink class) of one comment of ``cell`` (tier, region, label) given other
    themes, when the cell has both classes."""
    pair = index.get((*cell, source)), index.get((*cell, sink))
    return None if None in pair else pair


def _swap_units(closure: _SummaryClosure, atoms: CommentAtoms, target: np.ndarray, weights: dict) -> set | None:
    """The cheapest set of units (``weights``: published values a unit still has, 0 when already
    chosen) whose withholding hides a swap (``_moves``) that changes ``target``; None when none does."""
    rows = closure.rows
    if rows.shape[0] == 0:
        return None
    unit_index: dict[tuple, int] = {}
    row_unit = np.array([unit_index.setdefault(unit_of(k), len(unit_index)) for k in closure.row_keys])
    units = list(unit_index)
    weight = np.array([weights.get(u, 0) for u in units], dtype=float)
    best, best_cost = None, None
    for move in sorted(_moves(atoms, target, closure.unknown)):
        if abs(sum(target[sink] - target[source] for source, sink in move)) < 0.5:
            continue
        change = sum(rows[:, sink] - rows[:, source] for source, sink in move)
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


def summary_views(parts: dict, prefix: str = "comment_summary:") -> list[tuple]:
    """(scope, doc) of every ``<prefix><scope>`` part in ``parts`` (e.g. the released copies,
    ``released:comment_summary:<scope>``)."""
    out = []
    for name in sorted(parts):
        if name.startswith(prefix) and isinstance(parts[name], dict):
            scope_name = name[len(prefix):]
            out.append((None if scope_name == "all" else tuple(scope_name.split("=", 1)), parts[name]))
    return out
