"""Estimation: a wave's per-respondent sufficient statistics, segment sums and the estimators.

Everything the scorecard publishes is computed from per-segment sums of small per-respondent
columns (``_Prepared``); the estimators turn one row of sums into a ``stats.Estimate``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import stats
from .frame import QuestionSpec
from .segments import DIMENSIONS, DimensionCodes, cross, decode, segment_columns


@dataclass(frozen=True)
class WaveData:
    """One wave ready for analysis: its respondent frame and (optionally) its invitations.

    ``atoms`` (``analysis.atoms``) may stand in for ``respondents``: the live update keeps only
    the atom tables; ``invitations`` may then be invitation atoms (an ``invitations`` count column).
    """

    wave_id: str
    respondents: pd.DataFrame
    invitations: pd.DataFrame | None = None
    meta: dict = field(default_factory=dict)
    tidy: pd.DataFrame | None = None  # one row per response x question (comments come from here)
    atoms: pd.DataFrame | None = None


def wave_atoms(wave: WaveData, specs: list[QuestionSpec], nps_id: str | None, light: bool = False) -> pd.DataFrame:
    """The wave's atom table: given, or collapsed from its respondents (``light``: only the
    statistics the previous wave needs)."""
    from .atoms import collapse_respondents

    if wave.atoms is not None:
        return wave.atoms
    return collapse_respondents(wave.respondents, specs, nps_id, light)


class Prepared:
    """A wave's atoms (per partner and attributes, ``analysis.atoms``) as numpy columns of sums,
    with cached dimension codes; every segment sum is a ``np.bincount`` over atoms."""

    def __init__(self, wave: WaveData, specs: list[QuestionSpec], nps_id: str | None, light: bool = False):
        from .atoms import stat_names

        frame = wave_atoms(wave, specs, nps_id, light).reset_index(drop=True)
        self.frame, self.n, self.light = frame, len(frame), light
        self.names = stat_names(specs, nps_id, light)
        self.matrix = np.empty((self.n, len(self.names)), dtype=np.float64, order="F")
        for j, name in enumerate(self.names):
            self.matrix[:, j] = frame[name].to_numpy(dtype=float)
        self.integral = _integral(self.matrix)
        self.respondents = float(frame["n"].sum()) if self.n else 0.0
        self.partner_codes, partner_ids = pd.factorize(frame["partner_id"])
        self.partner_codes = np.where(self.partner_codes < 0, len(partner_ids), self.partner_codes)
        self.n_partners = len(partner_ids) + 1
        revenue = np.full(self.n_partners, np.nan)
        if self.n:
            first = ~pd.Series(self.partner_codes).duplicated().to_numpy()
            revenue[self.partner_codes[first]] = frame["annual_revenue"].to_numpy(dtype=float)[first]
        self.partner_revenue = revenue
        self.invitations = _invitation_units(wave.invitations)
        self._codes: dict = {}
        self._invitation_codes: dict = {}
        self._invited_partners: pd.DataFrame | None = None

    def column(self, name: str) -> np.ndarray:
        return self.matrix[:, self.names.index(name)] if name in self.names else np.zeros(self.n)

    def codes(self, dim: str) -> DimensionCodes:
        if dim not in self._codes:
            self._codes[dim] = DimensionCodes(self.frame, dim)
        return self._codes[dim]

    def invitation_codes(self, dim: str, which: str = "invitations") -> DimensionCodes:
        """Codes over all invitations, or over one invitation per partner (``which="partners"``)."""
        if (dim, which) not in self._invitation_codes:
            frame = self.invitations if which == "invitations" else self.invited_partners
            self._invitation_codes[(dim, which)] = DimensionCodes(frame, dim)
        return self._invitation_codes[(dim, which)]

    @property
    def invited_partners(self) -> pd.DataFrame:
        if self._invited_partners is None:
            self._invited_partners = self.invitations.drop_duplicates("partner_id")
        return self._invited_partners


def _invitation_units(invitations: pd.DataFrame | None) -> pd.DataFrame | None:
    """Invitations collapsed to invitation atoms (``atoms.invitation_atoms``) when they are one row
    per invitation with every key column: a partner's invitations share its directory attributes,
    so the atoms count the same invitations and partners per segment on a fraction of the rows."""
    from .atoms import KEY_COLUMNS, invitation_atoms

    if invitations is None or invitations.empty or "invitations" in invitations \
            or any(c not in invitations for c in KEY_COLUMNS):
        return invitations
    return invitation_atoms(invitations)


class Respondents:
    """One row per respondent (the key drivers need answers, not sums): frame, codes, partners."""

    def __init__(self, wave: WaveData):
        self.frame = wave.respondents.reset_index(drop=True)
        self.n = len(self.frame)
        self.partner_codes, partner_ids = pd.factorize(self.frame["partner_id"])
        self.partner_codes = np.where(self.partner_codes < 0, len(partner_ids), self.partner_codes)
        self._codes: dict = {}
        self._members: dict = {}

    def codes(self, dim: str) -> DimensionCodes:
        if dim not in self._codes:
            self._codes[dim] = DimensionCodes(self.frame, dim)
        return self._codes[dim]

    def members(self, dim: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, segment code) of one dimension (``segments.cross``), expanded once."""
        if dim not in self._members:
            self._members[dim] = cross([self.codes(dim)], self.n)[:2]
        return self._members[dim]


def numeric(frame: pd.DataFrame, specs: list[QuestionSpec], nps_id: str | None,
            light: bool = False) -> dict[str, np.ndarray]:
    """Per-respondent sufficient statistics; summing them per segment gives every count needed.

    ``light`` keeps only what comparisons need (NPS and top-2-box counts): for the previous wave.
    """
    return dict(numeric_columns(frame, specs, nps_id, light))


def numeric_columns(frame: pd.DataFrame, specs: list[QuestionSpec], nps_id: str | None, light: bool = False):
    """``numeric``'s columns one at a time, as (name, values): a caller that sums each column
    right away holds one respondent-length column at a time instead of all of them."""
    n = len(frame)
    missing = [s.id for s in specs if s.id not in frame]  # e.g. a question new since the previous wave
    if missing:
        frame = frame.assign(**{qid: np.nan for qid in missing})
    yield "n", np.ones(n, dtype=np.float64)
    if nps_id:
        score = frame[nps_id].to_numpy(dtype=float)
        yield "nps_n", (~np.isnan(score)).astype(float)
        yield "nps_pro", (score >= 9).astype(float)
        yield "nps_det", (score <= 6).astype(float)
    for spec in specs:
        if spec.type == "rating":
            v = frame[spec.id].to_numpy(dtype=float)
            answered = ~np.isnan(v)
            filled = np.where(answered, v, 0.0)
            yield f"{spec.id}__n", answered.astype(float)
            yield f"{spec.id}__top2", (filled >= stats.top2_threshold(spec.scale or 5)).astype(float)
            if not light:
                yield f"{spec.id}__sum", filled
                yield f"{spec.id}__sumsq", filled ** 2
        elif light:
            continue
        elif spec.type == "single_choice":
            codes, uniques = pd.factorize(frame[spec.id])  # compare each distinct answer once, not each row
            yield f"{spec.id}__n", (codes >= 0).astype(float)
            for option in spec.options:
                yield f"{spec.id}__opt__{option}", np.isin(codes, np.flatnonzero(uniques == option)).astype(float)
        elif spec.type == "multi_choice":
            values = frame[spec.id]
            try:
                codes, uniques = pd.factorize(values)
            except TypeError:  # lists are unhashable
                codes, uniques = pd.factorize(values.map(lambda v: tuple(v) if isinstance(v, list) else v))
            members = [tuple(u) if isinstance(u, (tuple, list)) else () for u in uniques] + [()]
            codes = np.where(codes < 0, len(members) - 1, codes)
            yield f"{spec.id}__n", np.array([len(m) > 0 for m in members], dtype=float)[codes]
            for option in spec.options:
                yield f"{spec.id}__opt__{option}", np.array([option in m for m in members], dtype=float)[codes]


PARTNER_SUMS = ("one", "x", "x2", "wone", "wv", "wx", "wx2", "w2", "w2x", "w2x2", "s2", "sn", "n2", "wmax1", "wmax2")


def segment_sums(prep: Prepared, dims: list[str]) -> pd.DataFrame:
    """Sums of the sufficient statistics per segment (seg_* columns), plus partner-level sums (p_*)."""
    if dims:
        codes = [prep.codes(d) for d in dims]
        rows, seg, sizes = cross(codes, prep.n)
        k = int(np.prod(sizes))
    else:
        rows, seg, k = np.arange(prep.n), np.zeros(prep.n, dtype=np.int64), 1
    table = dict(zip(prep.names, _group_sums(prep.matrix, rows, seg, k, prep.integral).T, strict=True))
    clusters = np.unique(seg * prep.n_partners + prep.partner_codes[rows], return_inverse=True)  # (segment, partner)
    cell_partners, cluster_of = clusters[0], clusters[1].ravel()
    table["partners"] = np.bincount(cell_partners // prep.n_partners, minlength=k).astype(np.float64)
    answers = prep.column("nps_n")[rows]
    classes = (prep.column("nps_pro") - prep.column("nps_det"))[rows]  # per atom: sum of NPS classes
    s_p = np.bincount(cluster_of, weights=classes, minlength=len(cell_partners))  # per cluster: sum of NPS classes
    n_p = np.bincount(cluster_of, weights=answers, minlength=len(cell_partners))  # ... and answers
    valid = n_p > 0  # clusters with an NPS answer (an atom without one adds zeros)
    unique_keys, s_p, n_p = cell_partners[valid], s_p[valid], n_p[valid]
    x = s_p / n_p
    pseg, pidx = unique_keys // prep.n_partners, unique_keys % prep.n_partners
    w = prep.partner_revenue[pidx]
    has = (~np.isnan(w)) & (w > 0)
    w = np.where(has, w, 0.0)
    for name, weights in {"one": np.ones_like(x), "x": x, "x2": x * x, "wone": has.astype(float), "wv": w,
                          "wx": w * x, "wx2": w * x * x, "w2": w * w, "w2x": w * w * x, "w2x2": w * w * x * x,
                          "s2": s_p * s_p, "sn": s_p * n_p, "n2": n_p * n_p}.items():
        table[f"p_{name}"] = np.bincount(pseg, weights=weights, minlength=k)
    table["p_wmax1"], table["p_wmax2"] = _two_largest(pseg, w, k)
    table.update(_rating_cluster_sums(prep, rows, k, cell_partners, cluster_of))
    return _label_segments(pd.DataFrame(table), dims, codes if dims else None)


def _rating_cluster_sums(prep: Prepared, rows: np.ndarray, k: int, keys: np.ndarray,
                         inverse: np.ndarray) -> dict[str, np.ndarray]:
    """Per segment and rating question, sums over partners (clusters) of the partner totals the
    cluster-robust CSAT variance needs: answering partners (``__c_g``), sum of t_g², t_g·m_g and
    m_g² (t: top-2-box answers, m: answers of partner g), and of v_g², v_g·m_g (v: sum of ratings)."""
    questions = [name[:-len("__top2")] for name in prep.names if name.endswith("__top2")]
    if not questions or not len(rows):
        return {}
    cluster_segment = keys // prep.n_partners

    identity = len(rows) == prep.n  # every atom once, in order (a multi-valued dimension repeats atoms)

    def per_cluster(name: str) -> np.ndarray:
        column = prep.matrix[:, prep.names.index(name)]
        return np.bincount(inverse, weights=column if identity else column[rows], minlength=len(keys))

    def per_segment(values: np.ndarray) -> np.ndarray:
        return np.bincount(cluster_segment, weights=values, minlength=k)

    out = {}
    for qid in questions:
        m, t = per_cluster(f"{qid}__n"), per_cluster(f"{qid}__top2")
        out.update({f"{qid}__c_g": per_segment((m > 0).astype(float)), f"{qid}__c_tt": per_segment(t * t),
                    f"{qid}__c_tm": per_segment(t * m), f"{qid}__c_mm": per_segment(m * m)})
        if f"{qid}__sum" in prep.names:
            v = per_cluster(f"{qid}__sum")
            out.update({f"{qid}__c_vv": per_segment(v * v), f"{qid}__c_vm": per_segment(v * m)})
    return out


def _two_largest(seg: np.ndarray, w: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The largest and second-largest partner weight of every segment (0 where absent)."""
    first, second = np.zeros(k), np.zeros(k)
    if len(w) == 0:
        return first, second
    if (seg[1:] >= seg[:-1]).all():  # segments in order (partner sums are): one pass per maximum, no sort
        starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
        sizes = np.diff(np.r_[starts, len(seg)])
        top = np.maximum.reduceat(w, starts)
        at_top = np.minimum.reduceat(np.where(w == np.repeat(top, sizes), np.arange(len(w)), len(w)), starts)
        rest = w.copy()
        rest[at_top] = -np.inf
        first[seg[starts]] = top
        second[seg[starts]] = np.where(sizes > 1, np.maximum.reduceat(rest, starts), 0.0)
        return first, second
    order = np.lexsort((-w, seg))
    s, ws = seg[order], w[order]
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    first[s[starts]] = ws[starts]
    nxt = starts + 1
    ok = nxt < len(s)
    ok[ok] = s[nxt[ok]] == s[starts[ok]]
    second[s[starts[ok]]] = ws[nxt[ok]]
    return first, second


def _label_segments(out: pd.DataFrame, dims, codes) -> pd.DataFrame:
    """Keep segments with respondents, add their seg_* label columns, sort by label."""
    if not dims:
        return out
    out = out[out["n"] > 0]
    labels = [decode(int(c), codes) for c in out.index]
    for i, key_name in enumerate(segment_columns(dims)):
        out.insert(i, key_name, [lab[i] for lab in labels])
    return out.sort_values(segment_columns(dims)).reset_index(drop=True)


ONE_HOT_SEGMENTS = 64  # at most this many segments: sums by one matrix product (integral sums only)
ONE_HOT_COLUMNS = 16  # columns gathered at a time when a multi-valued dimension repeats rows


def _integral(matrix: np.ndarray) -> bool:
    """True when every entry is a whole number and rows x the largest magnitude is below 2**53, so
    any order of adding up rows gives exactly the same sums (``_group_sums``)."""
    if not matrix.size:
        return False
    flat = matrix.ravel(order="K")
    return bool(np.abs(flat).max() * matrix.shape[0] < 2.0 ** 53 and np.array_equal(flat, flat.astype(np.int64)))


def _group_sums(matrix: np.ndarray, rows: np.ndarray, seg: np.ndarray, k: int, integral: bool = False) -> np.ndarray:
    """Per-segment column sums with one ``np.bincount`` per column (matrix in Fortran order), or,
    for a few segments of whole numbers (``integral``: the same sums exactly, in any order), one
    product of a segments x rows indicator with the matrix.

    Rows are gathered only when a multi-valued dimension repeats respondents.
    """
    if k == 1 and len(rows) == matrix.shape[0]:
        return matrix.sum(axis=0, keepdims=True, dtype=np.float64)
    identity = len(rows) == matrix.shape[0] and (len(rows) == 0 or (rows[0] == 0 and rows[-1] == len(rows) - 1))
    if integral and k <= ONE_HOT_SEGMENTS and len(rows):
        indicator = np.zeros((k, len(rows)))
        indicator[seg, np.arange(len(rows))] = 1.0
        if identity:
            return indicator @ matrix + 0.0  # + 0.0: an empty segment's -0.0 reads 0.0, as bincount's
        out = np.empty((k, matrix.shape[1]))
        for a in range(0, matrix.shape[1], ONE_HOT_COLUMNS):
            out[:, a:a + ONE_HOT_COLUMNS] = indicator @ matrix[:, a:a + ONE_HOT_COLUMNS][rows] + 0.0
        return out
    out = np.empty((k, matrix.shape[1]))
    for j in range(matrix.shape[1]):
        column = matrix[:, j] if identity else matrix[:, j][rows]
        out[:, j] = np.bincount(seg, weights=column, minlength=k)
    return out


def invited_counts(prep: Prepared, dims) -> pd.DataFrame | None:
    """Invitations and distinct invited partners per segment (the N of the FPC).

    Invitations carry their partner's directory attributes, so a partner's invitations all fall
    in the same segments and distinct partners are counted on one row per partner.
    """
    invitations = prep.invitations
    if invitations is None or invitations.empty or any(DIMENSIONS[d][0] not in invitations for d in dims):
        return None
    counts = _count_by_segment(prep, dims, "invitations")
    distinct = (np.zeros_like(counts[0]) if prep.light else _count_by_segment(prep, dims, "partners")[0],)
    if not dims:
        return pd.DataFrame({"invited": counts[0], "invited_partners": distinct[0]})
    present = np.flatnonzero(counts[0])
    labels = [decode(int(c), counts[1]) for c in present]
    out = pd.DataFrame({key: [lab[i] for lab in labels] for i, key in enumerate(segment_columns(dims))})
    return out.assign(invited=counts[0][present], invited_partners=distinct[0][present])


def invitation_weights(frame: pd.DataFrame) -> np.ndarray:
    """Invitations each row stands for: 1 per invitation, or the count of an invitation atom."""
    if "invitations" in frame:
        return frame["invitations"].to_numpy(dtype=float)
    return np.ones(len(frame))


def _count_by_segment(prep: Prepared, dims, which: str):
    frame = prep.invitations if which == "invitations" else prep.invited_partners
    weights = invitation_weights(frame) if which == "invitations" else np.ones(len(frame))
    if not dims:
        return np.array([int(round(weights.sum()))]), None
    codes = [prep.invitation_codes(d, which) for d in dims]
    rows, seg, sizes = cross(codes, len(frame))
    return np.rint(np.bincount(seg, weights=weights[rows], minlength=int(np.prod(sizes)))).astype(np.int64), codes


def estimate_weighted(row, prefix: str) -> stats.Estimate:
    """NPS from partner sums: unweighted ('') or revenue-weighted ('w'); partners are the units, so
    the interval uses t with (partners - 1) degrees of freedom."""
    if prefix == "w":
        total, sx, n = row["p_wv"], row["p_wx"], int(row["p_wone"])
        w2, w2x, w2x2 = row["p_w2"], row["p_w2x"], row["p_w2x2"]
    else:
        total, sx, n = row["p_one"], row["p_x"], int(row["p_one"])
        w2, w2x, w2x2 = row["p_one"], row["p_x"], row["p_x2"]
    if n == 0 or total <= 0:
        nan = float("nan")
        return stats.Estimate(nan, nan, nan, nan, 0)
    mean = sx / total
    var = max(w2x2 - 2 * mean * w2x + mean ** 2 * w2, 0.0) / total ** 2
    if prefix == "w":  # never narrower than the Kish effective-n interval (few partners dominate)
        spread = max(row["p_wx2"] / total - mean ** 2, 0.0)
        var = max(var, spread / kish_n(row))
    adjusted = False
    if var <= 0:  # every partner has the same mean class: the respondent-level adjusted variance
        answers = row["nps_n"]
        var = stats.nps_variance(row["nps_pro"], row["nps_det"], answers)[0] / max(answers, 1)
        adjusted = True
    se = math.sqrt(var) * 100
    value = mean * 100
    crit = stats.critical(n)
    return stats.Estimate(value, max(value - crit * se, -100), min(value + crit * se, 100), se, n, clusters=n,
                          adjusted=adjusted)


def kish_n(row) -> float:
    """Kish effective number of partners of the revenue weights: (sum w)² / sum w²."""
    return float(row["p_wv"] ** 2 / row["p_w2"]) if row.get("p_w2", 0) > 0 else 0.0


def nps_of(row, clustered: bool = True) -> stats.Estimate:
    """Respondent-level NPS; with partner sums present, a cluster-robust standard error
    (partner = cluster): G/(G-1) * sum_g (sum_i (c_i - m))² / n², as statsmodels' cluster covariance
    of an intercept-only regression, with t(G-1) critical values."""
    simple = stats.nps_from_counts(int(row["nps_pro"]), int(row["nps_det"]), int(row["nps_n"]))
    n, clusters = row["nps_n"], row.get("p_one", 0)
    if not clustered or n <= 0 or clusters < 2 or row.get("p_n2", 0) <= 0:
        return simple
    mean = (row["nps_pro"] - row["nps_det"]) / n
    scatter = max(row["p_s2"] - 2 * mean * row["p_sn"] + mean ** 2 * row["p_n2"], 0.0)
    se = 100 * math.sqrt(clusters / (clusters - 1) * scatter) / n
    if se <= 0:  # all answers in one class: the adjusted simple error (never zero width)
        se = simple.se
    value, g = simple.value, int(clusters)
    crit = stats.critical(g)
    return stats.Estimate(value, max(value - crit * se, -100.0), min(value + crit * se, 100.0), se,
                          simple.n, clusters=g, adjusted=simple.adjusted)


def design_effect(row) -> float | None:
    """Variance of the clustered NPS over the simple-random-sampling variance."""
    clustered, simple = nps_of(row), nps_of(row, clustered=False)
    if not simple.se or math.isnan(simple.se) or math.isnan(clustered.se):
        return None
    return (clustered.se / simple.se) ** 2


def _clustered_variance(row, qid: str, total: str, cross: str, square: str, mean: float) -> float | None:
    """Cluster-robust (partner = cluster) variance of a ratio mean = sum(y)/n of one question:
    G/(G-1) * sum_g (y_g - mean * m_g)² / n², as statsmodels' cluster covariance of an
    intercept-only regression; None without the partner sums or with fewer than two partners."""
    clusters, n = row.get(f"{qid}__c_g", 0), row[f"{qid}__n"]
    if f"{qid}__{total}" not in row or clusters is None or clusters < 2 or n <= 0:
        return None
    scatter = max(row[f"{qid}__{total}"] - 2 * mean * row[f"{qid}__{cross}"] + mean ** 2 * row[f"{qid}__{square}"],
                  0.0)
    return clusters / (clusters - 1) * scatter / n ** 2


def _clusters(row, qid: str) -> int | None:
    g = row.get(f"{qid}__c_g")
    return int(g) if g is not None and g >= 2 and f"{qid}__c_tt" in row else None


def top2_design_effect(row, qid) -> float | None:
    """Clustered variance of the top-2-box share over its simple-random-sampling variance p(1-p)/n."""
    n = int(row[f"{qid}__n"])
    if n <= 0:
        return None
    p = row[f"{qid}__top2"] / n
    clustered = _clustered_variance(row, qid, "c_tt", "c_tm", "c_mm", p)
    simple = p * (1 - p) / n
    if clustered is None or simple <= 0:
        return None
    return clustered / simple


def top2_of(row, qid, clustered: bool = True) -> stats.Estimate:
    """Top-2-box share with a Wilson interval; with partner sums present the effective n is divided
    by the cluster design effect (partner = cluster), so the standard error is the cluster-robust one,
    and the critical value is t(G-1)."""
    deff = top2_design_effect(row, qid) if clustered else None
    return stats.wilson(int(row[f"{qid}__top2"]), int(row[f"{qid}__n"]),
                        design_effect=1.0 if deff is None else deff,
                        clusters=_clusters(row, qid) if clustered else None)


def mean_of(row, qid, clustered: bool = True, scale: int | None = None) -> stats.Estimate:
    """Mean rating with a t interval; cluster-robust (partner = cluster) when partner sums are present.
    A unanimous group gets the two-pseudo-ratings variance (``stats.mean_variance_floor``)."""
    n = int(row[f"{qid}__n"])
    if n == 0:
        nan = float("nan")
        return stats.Estimate(nan, nan, nan, nan, 0)
    mean = row[f"{qid}__sum"] / n
    var = max(row[f"{qid}__sumsq"] - n * mean ** 2, 0.0) / (n - 1) if n > 1 else 0.0
    se = math.sqrt(var / n)
    robust = _clustered_variance(row, qid, "c_vv", "c_vm", "c_mm", mean) if clustered else None
    clusters = _clusters(row, qid) if robust is not None else None
    if robust is not None:
        se = math.sqrt(robust)
    adjusted = False
    if se <= 1e-12:
        se, adjusted = math.sqrt(stats.mean_variance_floor(mean, n, scale)), True
    crit = stats.critical(clusters)
    return stats.Estimate(mean, mean - crit * se, mean + crit * se, se, n, clusters=clusters, adjusted=adjusted)


def mean_design_effect(row, qid) -> float | None:
    """Clustered variance of the mean rating over its simple-random-sampling variance s²/n."""
    clustered, simple = mean_of(row, qid), mean_of(row, qid, clustered=False)
    if not simple.se or math.isnan(simple.se) or math.isnan(clustered.se) or clustered.adjusted:
        return None
    return (clustered.se / simple.se) ** 2


def clean(value):
    """JSON-safe: NaN and infinities become None."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def est(e: stats.Estimate, digits: int) -> dict:
    return {k: clean(v) for k, v in e.to_dict(digits).items()}


