"""One disclosure plan over every view of a wave, and the linear-closure audit that checks it.

Each view (the whole wave, and every scope a viewer may hold: ``region=EMEA``, ``tier=principal``)
is a scorecard with its own primary and complementary suppression. On their own they are safe;
together they are not: a scoped view may publish a cell the full view withholds, or publish a
different complement, and subtracting one view from another recovers the withheld value.

The joint plan works on the *union* of what the views publish:

1. Every published value is a sum over the wave's respondents of one statistic (a count, the NPS
   classes, a question's top-2 answers ...), restricted to a segment. A cell of a scoped view is
   the segment "scope and cell" of the wave (the APJ viewer's ``tier=principal`` is the wave's
   ``tier=principal, region=APJ``), so all views speak about the same segments.
2. A segment withheld by any view is withheld in every view (union of the views' plans).
3. Linear closure: per statistic (status name), the published segments are rows of a 0/1 matrix
   over the wave's atoms (respondents summed per partner and attributes, merged further where no
   segment tells them apart). A withheld segment is *determined* when its row lies in the row
   space of the published rows, and a pair of withheld segments is determined together when their
   sum does; a determined segment, or a determined pair holding fewer than the threshold
   respondents or partners, is a disclosure. The plan then withholds one more published segment
   of the combination that determines it (the smallest) and checks again, until nothing is
   determined. Comparisons against the rest of a view and against the previous wave publish
   their other side, so they are rows too.

``audit`` runs step 3 without repairing: it is what ``pulse audit disclosure`` and the tests use,
on the published documents as stored.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .segments import DIMENSIONS, DimensionCodes
from .suppression import COMPLEMENTARY, MARKER

#: status name of a cell's whole value, of the NPS, the partner-level and revenue-weighted NPS
CELL, NPS, PARTNERS, REVENUE = "cell", "nps", "partners", "revenue"
TOLERANCE = 1e-7

Key = tuple  # sorted ((dimension, label), ...); () is the whole wave


@dataclass
class View:
    """One published scorecard and the scope it was computed on (None: the whole wave)."""

    name: str
    doc: dict
    scope: tuple[str, str] | None = None


@dataclass
class Finding:
    """A withheld value the published values determine."""

    name: str
    keys: tuple[Key, ...]
    respondents: int
    partners: int
    what: str = "is determined"

    def describe(self) -> str:
        where = " + ".join(_label(k) for k in self.keys)
        return f"{self.name}: {where} ({self.respondents} answers from {self.partners} partners) {self.what}"


@dataclass
class Items:
    """Published and withheld segments per status name, and the rows comparisons publish."""

    published: dict[str, set] = field(default_factory=dict)
    withheld: dict[str, set] = field(default_factory=dict)
    differences: dict[str, set] = field(default_factory=dict)  # (margin key, cell key): margin - cell


def _label(key: Key) -> str:
    return ", ".join(f"{d}={v}" for d, v in key) or "whole wave"


def key_of(segment: dict, scope: tuple[str, str] | None) -> Key:
    """The wave segment of a view's cell: the cell's labels and the view's scope."""
    labels = {d: str(v) for d, v in segment.items()}
    if scope is not None:
        labels[scope[0]] = str(scope[1])
    return tuple(sorted(labels.items()))


def status_names(doc: dict) -> list[str]:
    """Every status name a scorecard document publishes values for."""
    names = [CELL]
    if doc.get("nps_question"):
        names += [NPS, PARTNERS, REVENUE]
    names += [q["id"] for q in doc.get("questions", []) if q["type"] in ("rating", "single_choice", "multi_choice")]
    return names


def _hidden_names(cell: dict, names: list[str]) -> set[str]:
    if cell.get("suppressed") or cell.get("respondents") == MARKER:
        return set(names)
    out = set()
    if cell.get("nps") == MARKER:
        out.add(NPS)
    if cell.get("nps_partner") == MARKER:
        out.add(PARTNERS)
    if cell.get("nps_revenue_weighted") == MARKER:
        out.add(REVENUE)
    for group in ("csat", "choices"):
        out |= {q for q, v in (cell.get(group) or {}).items() if v == MARKER}
    return out


def _cells(doc: dict):
    """(cell, is the view's overall) for every cell of a document."""
    if doc.get("overall"):
        yield doc["overall"], True
    for item in doc.get("breakdowns", []):
        for cell in item["cells"]:
            yield cell, False


def collect(views: list[View], previous_of: list[View] | None = None, union_of_withheld: bool = False) -> Items:
    """The union of what ``views`` publish and withhold, per status name.

    A segment one view publishes and another withholds counts as published (what a reader can
    combine), unless ``union_of_withheld`` (the plan: withheld anywhere is withheld everywhere).
    ``previous_of``: views of the *next* wave, whose comparisons with this wave publish this
    wave's values (``vs_previous.other``)."""
    items = Items()
    for view in views:
        names = status_names(view.doc)
        overall_key = key_of({}, view.scope)
        for cell, _ in _cells(view.doc):
            key = key_of(cell.get("segment") or {}, view.scope)
            hidden = _hidden_names(cell, names)
            for name in names:
                target = items.withheld if name in hidden else items.published
                target.setdefault(name, set()).add(key)
            rest = cell.get("vs_rest")
            if isinstance(rest, dict) and key != overall_key:
                for name in _compared(rest):
                    items.differences.setdefault(name, set()).add((overall_key, key))
    for view in previous_of or []:
        for cell, _ in _cells(view.doc):
            compared = cell.get("vs_previous")
            if isinstance(compared, dict):
                key = key_of(cell.get("segment") or {}, view.scope)
                for name in _compared(compared):
                    items.published.setdefault(name, set()).add(key)
    for name, keys in items.published.items():
        if union_of_withheld:
            keys.difference_update(items.withheld.get(name, set()))
        else:
            items.withheld.setdefault(name, set()).difference_update(keys)
    return items


def _compared(comparison: dict) -> set[str]:
    out = {NPS} if isinstance(comparison.get("nps"), dict) else set()
    return out | {q for q, v in (comparison.get("csat_top2") or {}).items() if isinstance(v, dict)}


class Membership:
    """Which atoms each segment holds, and per status name the atoms that answered."""

    def __init__(self, atoms: pd.DataFrame):
        self.atoms = atoms.reset_index(drop=True)
        self._columns: dict[tuple[str, str], np.ndarray] = {}
        self._codes: dict[str, DimensionCodes] = {}
        codes, _ = pd.factorize(self.atoms["partner_id"]) if len(self.atoms) else (np.zeros(0, dtype=int), None)
        self.partner = np.asarray(codes)

    def _label_column(self, dim: str, label: str) -> np.ndarray:
        if (dim, label) not in self._columns:
            if dim not in self._codes:
                self._codes[dim] = DimensionCodes(self.atoms, dim)
            codes = self._codes[dim]
            member = np.zeros(len(self.atoms), dtype=bool)
            if label in codes.labels:
                index = codes.labels.index(label)
                if codes.multi:
                    rows = np.repeat(np.arange(len(self.atoms)), codes.counts)
                    member[rows[codes.flat == index]] = True
                else:
                    member = codes.codes == index
            self._columns[(dim, label)] = member
        return self._columns[(dim, label)]

    def of(self, key: Key) -> np.ndarray:
        member = np.ones(len(self.atoms), dtype=bool)
        for dim, label in key:
            if dim in DIMENSIONS:
                member &= self._label_column(dim, label)
        return member

    def answered(self, name: str) -> np.ndarray:
        column = {CELL: "n", NPS: "nps_n", PARTNERS: "nps_n", REVENUE: "nps_n"}.get(name, f"{name}__n")
        if column not in self.atoms:
            return np.zeros(len(self.atoms), dtype=float)
        return self.atoms[column].to_numpy(dtype=float)


class _Closure:
    """The row space of one status name's published rows over its atoms (merged into classes)."""

    def __init__(self, membership: Membership, name: str, published: list[Key], withheld: list[Key],
                 differences: list[tuple[Key, Key]]):
        counts = membership.answered(name)
        live = np.flatnonzero(counts > 0)
        self.counts = counts[live]
        self.partner = membership.partner[live] if len(membership.partner) else membership.partner
        keys = sorted(set(published) | set(withheld) | {k for pair in differences for k in pair}, key=repr)
        self.index = {k: i for i, k in enumerate(keys)}
        matrix = np.array([membership.of(k)[live] for k in keys], dtype=np.float64).reshape(len(keys), len(live))
        # atoms no segment tells apart are one unknown: their sum is all anyone can learn of them
        signature, self.classes = np.unique(matrix.T, axis=0, return_inverse=True) if len(live) else (matrix.T, [])
        self.classes = np.asarray(self.classes).reshape(-1)
        self.class_rows = signature.T  # keys x classes (0/1)
        rows = [self.class_rows[self.index[k]] for k in published]
        rows += [self.class_rows[self.index[a]] - self.class_rows[self.index[b]] for a, b in differences]
        self.published = list(published)
        # a difference row (view overall - cell, what a comparison publishes) goes with its cell
        self.row_keys = list(published) + [b for _, b in differences]
        self.rows = np.array(rows).reshape(len(rows), self.class_rows.shape[1])
        self.basis = _row_basis(self.rows)

    def vector(self, key: Key) -> np.ndarray:
        return self.class_rows[self.index[key]]

    def residual(self, vector: np.ndarray) -> np.ndarray:
        if self.basis.shape[0] == 0:
            return vector
        return vector - self.basis.T @ (self.basis @ vector)

    def size(self, vector: np.ndarray) -> tuple[int, int]:
        """(answers, distinct partners) of the atoms a 0/1 class vector selects."""
        chosen = np.isin(self.classes, np.flatnonzero(vector > 0.5))
        return int(round(self.counts[chosen].sum())), len(np.unique(self.partner[chosen]))


def _row_basis(rows: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the row space (SVD; rank by a relative tolerance)."""
    if rows.size == 0:
        return np.zeros((0, rows.shape[1] if rows.ndim == 2 else 0))
    _, singular, vt = np.linalg.svd(rows, full_matrices=False)
    rank = int((singular > max(singular[0], 1.0) * 1e-10).sum()) if len(singular) else 0
    return vt[:rank]


def _findings(closure: _Closure, name: str, withheld: list[Key], threshold: int, min_partners: int) -> list[Finding]:
    out = []
    # an empty cell has nothing to protect; a withheld segment holding exactly the answers of a
    # published one (e.g. a program question's program cell and the overall) is that published value
    published = {closure.vector(k).tobytes() for k in closure.published}
    keys = [k for k in withheld if closure.vector(k).any() and closure.vector(k).tobytes() not in published]
    if not keys:
        return out
    vectors = np.array([closure.vector(k) for k in keys])
    residuals = np.array([closure.residual(v) for v in vectors])
    scale = np.maximum(1.0, np.linalg.norm(vectors, axis=1))
    alone = np.linalg.norm(residuals, axis=1) < TOLERANCE * scale
    for i in np.flatnonzero(alone):
        out.append(Finding(name, (keys[i],), *closure.size(vectors[i])))
    # pairs of disjoint withheld segments whose sum is determined: |r_a + r_b|² from the Gram matrix
    rest = np.flatnonzero(~alone)
    if len(rest) > 1:
        r, v = residuals[rest], vectors[rest]
        gram = r @ r.T
        norms = np.diag(gram)
        together = norms[:, None] + norms[None, :] + 2 * gram
        overlap = (v @ v.T) > 0
        limit = (TOLERANCE * np.sqrt((v ** 2).sum(axis=1)[:, None] + (v ** 2).sum(axis=1)[None, :] + 1.0)) ** 2
        candidates = np.argwhere(np.triu(together < limit, k=1) & ~overlap)
        for a, b in candidates:
            answers, partners = closure.size(v[a] + v[b])
            if answers < threshold or partners < min_partners:
                out.append(Finding(name, (keys[rest[a]], keys[rest[b]]), answers, partners))
    return out


def audit(items: Items, atoms: pd.DataFrame, threshold: int, min_partners: int = 1) -> list[Finding]:
    """Every withheld value (or small pair of withheld values) the published values determine, and
    every published group under the thresholds."""
    membership = Membership(atoms)
    out = []
    for name in sorted(set(items.published) | set(items.withheld)):
        published = sorted(items.published.get(name, set()), key=repr)
        withheld = sorted(items.withheld.get(name, set()), key=repr)
        closure = _Closure(membership, name, published, withheld, sorted(items.differences.get(name, set()), key=repr))
        out += _findings(closure, name, withheld, threshold, min_partners)
        for key in published:  # a published group under the thresholds is a disclosure by itself
            answers, partners = closure.size(closure.vector(key))
            if 0 < answers and (answers < threshold or partners < min_partners):
                out.append(Finding(name, (key,), answers, partners, "is published below the threshold"))
    return out


def plan_jointly(views: list[View], atoms: pd.DataFrame, threshold: int, min_partners: int = 1,
                 previous: Items | None = None, max_rounds: int = 100) -> dict[str, set]:
    """Make ``views`` safe together: withhold everywhere what any view withholds, then withhold more
    until the linear closure determines nothing. Masks the documents in place (``mask``) and returns
    the withheld segments per status name. ``previous``: the previous wave's plan (its published and
    withheld segments), so comparisons never publish a previous value that wave withholds."""
    items = collect(views, union_of_withheld=True)
    membership = Membership(atoms)
    solved: dict[tuple, set] = {}  # statistics with the same pattern and the same answering atoms
    whole_cells: set = set()  # a cell withheld whole withholds every statistic of it: planned first
    for name in sorted(set(items.withheld) | set(items.published), key=lambda n: (n != CELL, n)):
        withheld = set(items.withheld.get(name, set()))
        published = set(items.published.get(name, set()))
        withheld |= published & whole_cells
        published -= withheld
        if not withheld:
            continue
        pattern = (frozenset(published), frozenset(withheld), membership.answered(name).astype(bool).tobytes(),
                   frozenset(items.differences.get(name, set())))
        if pattern not in solved:
            solved[pattern] = _repair(membership, name, published, withheld, items.differences.get(name, set()),
                                      threshold, min_partners, max_rounds)
        extra = solved[pattern]
        items.withheld[name], items.published[name] = withheld | extra, published - extra
        if name == CELL:
            whole_cells = set(items.withheld[name])
    previous_withheld = previous.withheld if previous is not None else {}
    for view in views:
        mask(view, items.withheld, previous_withheld)
    readjust(view.doc for view in views)
    return items.withheld


def _repair(membership: Membership, name: str, published: set, withheld: set, differences: set, threshold: int,
            min_partners: int, max_rounds: int) -> set:
    """The published segments to withhold as well, round by round, until nothing withheld is determined.

    For a determined value (a segment, or a small pair, with class vector t) the repair picks a
    class a inside t and a class b outside it that the fewest published rows tell apart, and
    withholds those rows: then moving one unit from a to b changes no published value but changes
    t, so t is no longer determined (the "swap" argument), in one step rather than by trial."""
    published, withheld, extra = set(published), set(withheld), set()
    for _ in range(max_rounds):
        shown_differences = sorted((a, b) for a, b in differences if a in published and b in published)
        closure = _Closure(membership, name, sorted(published, key=repr), sorted(withheld, key=repr),
                           shown_differences)
        findings = _findings(closure, name, sorted(withheld, key=repr), threshold, min_partners)
        if not findings:
            break
        chosen: set = set()
        for finding in findings:
            chosen |= _separating_rows(closure, sum(closure.vector(k) for k in finding.keys), chosen)
        chosen.discard(None)
        if not chosen:
            break
        extra |= chosen
        withheld |= chosen
        published -= chosen
    return extra


def _separating_rows(closure: _Closure, target: np.ndarray, already: set) -> set:
    """The published segments that tell apart the cheapest pair of classes (one in ``target``, one
    outside); rows already chosen this round cost nothing."""
    rows = closure.rows
    if rows.shape[0] == 0:
        return set()
    inside, outside = np.flatnonzero(target > 0.5), np.flatnonzero(target <= 0.5)
    if not len(outside):
        return set()
    free = np.array([k in already for k in closure.row_keys], dtype=bool)
    best, best_cost = None, None
    for a in inside:
        differs = rows[:, [a]] != rows[:, outside]  # rows x outside classes
        cost = (differs & ~free[:, None]).sum(axis=0)
        j = int(np.argmin(cost))
        if best_cost is None or cost[j] < best_cost:
            best, best_cost = np.flatnonzero(differs[:, j]), cost[j]
    return {closure.row_keys[i] for i in best}


def mask(view: View, withheld: dict[str, set], previous_withheld: dict[str, set] | None = None) -> None:
    """Withhold in one view every (segment, status name) of the joint plan; comparisons whose either
    side is withheld (the view's overall for the rest, the previous wave's plan) become the marker."""
    doc = view.doc
    names = status_names(doc)
    overall_key = key_of({}, view.scope)
    overall_hidden = {n for n in names if overall_key in withheld.get(n, set())}
    for cell, is_overall in _cells(doc):
        key = key_of(cell.get("segment") or {}, view.scope)
        hidden = {n for n in names if key in withheld.get(n, set())}
        if CELL in hidden:
            _withhold_cell(cell)
            continue
        for name in hidden:
            _withhold_value(cell, name)
        for which, other in (("vs_rest", overall_hidden), ("vs_previous", {
                n for n in names if key in (previous_withheld or {}).get(n, set())})):
            comparison = cell.get(which)
            if isinstance(comparison, dict):
                _withhold_comparisons(comparison, hidden | (other if which == "vs_previous" or not is_overall
                                                            else set()))
        if is_overall and NPS in hidden:
            cell["weighted"] = None
    _mask_drivers(doc, view.scope, withheld.get(CELL, set()))


def _withhold_cell(cell: dict) -> None:
    if not cell.get("suppressed"):
        cell["suppressed"] = COMPLEMENTARY
    for field_name in ("respondents", "response_rate", "nps", "nps_partner", "nps_revenue_weighted"):
        if field_name in cell:
            cell[field_name] = MARKER
    for group in ("csat", "choices"):
        if isinstance(cell.get(group), dict):
            cell[group] = {q: MARKER for q in cell[group]}
    for which in ("vs_rest", "vs_previous"):
        if cell.get(which) is not None:
            cell[which] = MARKER
    if "weighted" in cell:
        cell["weighted"] = None


def _withhold_value(cell: dict, name: str) -> None:
    field_name = {NPS: "nps", PARTNERS: "nps_partner", REVENUE: "nps_revenue_weighted"}.get(name)
    if field_name:
        if field_name in cell:
            cell[field_name] = MARKER
        return
    for group in ("csat", "choices"):
        if name in (cell.get(group) or {}):
            cell[group][name] = MARKER


def _withhold_comparisons(comparison: dict, names: set[str]) -> None:
    if NPS in names and isinstance(comparison.get("nps"), dict):
        comparison["nps"] = MARKER
    top2 = comparison.get("csat_top2") or {}
    for q in list(top2):
        if q in names and isinstance(top2[q], dict):
            top2[q] = MARKER


def _mask_drivers(doc: dict, scope, withheld_cells: set) -> None:
    """A driver list of a withheld segment would publish its size and shares: it is withheld too."""
    for entry in doc.get("drivers") or []:
        if key_of(entry.get("segment") or {}, scope) in withheld_cells and entry.get("status") != "suppressed":
            entry.update({"status": "suppressed", "n": MARKER, "partners": MARKER, "r2": None, "fix_first": [],
                          "not_distinguishable": []})


def readjust(docs) -> None:
    """Benjamini-Hochberg again over what each document still publishes, per family, so every
    adjusted p-value can be reproduced from the published p-values of its family."""
    from .comparison import adjust_family

    for doc in docs:
        families: dict[str, list[dict]] = {}
        for test in _tests(doc):
            families.setdefault(test["family"], []).append(test)
        for tests in families.values():
            adjust_family(tests)
        if "tests" in doc:
            doc["tests"]["family_sizes"] = {name: len(tests) for name, tests in sorted(families.items())}


def _tests(doc: dict):
    for cell, _ in _cells(doc):
        for which in ("vs_rest", "vs_previous"):
            comparison = cell.get(which)
            if not isinstance(comparison, dict):
                continue
            if isinstance(comparison.get("nps"), dict) and "family" in comparison["nps"]:
                yield comparison["nps"]
            for test in (comparison.get("csat_top2") or {}).values():
                if isinstance(test, dict) and "family" in test:
                    yield test
