"""Effect of a program change on a metric: difference in differences, partner panel, pre-trends.

Input: a respondent frame (one row per response) with ``partner_id``, ``wave_id``, ``wave_date``,
the metric's question column, an ``affected`` flag per row (from ``affected_flags``) and
optionally a ``weight`` column (the headline's nonresponse weights; weighted least squares).

Designs, chosen by the data and worded accordingly:
- difference in differences: y = wave effects + β·affected + δ·affected·after, δ the estimate;
- before/after only (no unaffected partners): y = α + δ·after, "other changes in the same period
  cannot be separated";
- within-partner (panel): per partner answering before and after, the change of its mean; the
  difference of those changes between affected and unaffected partners (or their mean change).
Intervals are cluster-robust by partner (CR1, as statsmodels) with t(G - 1) critical values,
G the number of partners. Every group × period cell needs ``min_partners`` partners and
``min_respondents`` respondents, else nothing is published ("not enough data").
With two or more waves before the change, a placebo difference in differences between the last
pre-change wave and the earlier ones checks that the groups moved together before the change.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .cluster_ols import clustered_ols
from .student_t import two_sided_critical, two_sided_p

DEFAULT_LEVEL = 0.90
DEFAULT_MIN_PARTNERS = 3
DEFAULT_MIN_RESPONDENTS = 5


@dataclass(frozen=True)
class Metric:
    """``kind``: nps (0-10 ratings, points -100..100), top2 (share of the top two ratings, in
    percentage points) or mean (mean rating)."""

    kind: str
    question: str
    scale: int | None = None
    label: str | None = None

    def name(self) -> str:
        if self.label:
            return self.label
        return {"nps": "NPS", "top2": f"top-2-box of {self.question}",
                "mean": f"mean rating of {self.question}"}[self.kind]

    def unit(self) -> str:
        return "points" if self.kind != "mean" else "rating points"


def metric_values(frame: pd.DataFrame, metric: Metric) -> pd.Series:
    """Per-respondent contribution to the metric (NaN where not answered)."""
    if metric.question not in frame:
        return pd.Series(np.nan, index=frame.index)
    x = pd.to_numeric(frame[metric.question], errors="coerce")
    if metric.kind == "nps":
        return pd.Series(np.where(x.isna(), np.nan, np.where(x >= 9, 100.0, np.where(x <= 6, -100.0, 0.0))),
                         index=frame.index)
    if metric.kind == "top2":
        scale = metric.scale or (int(np.nanmax(x.to_numpy())) if x.notna().any() else 5)
        return pd.Series(np.where(x.isna(), np.nan, np.where(x >= scale - 1, 100.0, 0.0)), index=frame.index)
    return x.astype(float)


def affected_flags(frame: pd.DataFrame, segments) -> pd.Series:
    """Per row: is the row's partner affected? A partner is judged once, by the attributes of its
    latest response (so a tier change between waves does not move it between groups)."""
    if frame.empty:
        return pd.Series(False, index=frame.index)
    latest = frame.sort_values("wave_date").drop_duplicates("partner_id", keep="last")
    verdict = {row["partner_id"]: segments.matches(row["partner_id"], row)
               for row in latest.to_dict("records")}
    return frame["partner_id"].map(verdict).astype(bool)


def _interval(value: float, se: float, df: int, level: float) -> dict:
    crit = two_sided_critical(level, df) if df >= 1 else float("nan")
    t = value / se if se > 0 else float("nan")
    return {"value": value, "low": value - crit * se, "high": value + crit * se, "se": se,
            "level": level, "df": df, "p": two_sided_p(t, df) if df >= 1 else float("nan")}


def _covers_zero(est: dict) -> bool:
    return est["low"] <= 0 <= est["high"]


def _prepare(frame: pd.DataFrame, metric: Metric, effective: date) -> pd.DataFrame:
    dates = pd.to_datetime(frame["wave_date"]).dt.date
    out = pd.DataFrame({
        "partner_id": frame["partner_id"].astype(str).to_numpy(),
        "wave_id": frame["wave_id"].astype(str).to_numpy(),
        "wave_date": dates.to_numpy(),
        "after": (dates >= effective).to_numpy(),
        "affected": frame["affected"].astype(bool).to_numpy(),
        "y": metric_values(frame, metric).to_numpy(),
        "w": (pd.to_numeric(frame["weight"], errors="coerce").to_numpy() if "weight" in frame
              else np.ones(len(frame))),
    })
    return out[out["y"].notna() & np.isfinite(out["w"]) & (out["w"] > 0)].reset_index(drop=True)


def _cells(data: pd.DataFrame) -> list[dict]:
    cells = []
    for (affected, after), part in data.groupby(["affected", "after"], sort=True):
        cells.append({"group": "affected" if affected else "unaffected", "period": "after" if after else "before",
                      "respondents": int(len(part)), "partners": int(part["partner_id"].nunique()),
                      "mean": float(np.average(part["y"], weights=part["w"]))})
    return cells


def _thin(cells: list[dict], groups: tuple[str, ...], min_partners: int, min_respondents: int) -> str | None:
    """Why the data are too thin to publish, or None."""
    have = {(c["group"], c["period"]): c for c in cells}
    for group in groups:
        for period in ("before", "after"):
            cell = have.get((group, period))
            if cell is None or cell["partners"] < min_partners or cell["respondents"] < min_respondents:
                return (f"fewer than {min_partners} partners or {min_respondents} respondents among "
                        f"{group} partners {period} the change")
    return None


def _wave_dummies(data: pd.DataFrame) -> np.ndarray:
    waves = sorted(data["wave_id"].unique(), key=lambda w: (data.loc[data["wave_id"] == w, "wave_date"].min(), w))
    return np.column_stack([(data["wave_id"] == w).to_numpy(dtype=float) for w in waves])


def did_fit(data: pd.DataFrame, level: float) -> dict:
    """δ of y = wave effects + β·affected + δ·affected·after, partner-clustered."""
    a = data["affected"].to_numpy(dtype=float)
    X = np.column_stack([_wave_dummies(data), a, a * data["after"].to_numpy(dtype=float)])
    fit = clustered_ols(data["y"], X, data["partner_id"], data["w"])
    return _interval(float(fit.params[-1]), float(fit.bse[-1]), fit.clusters - 1, level)


def before_after_fit(data: pd.DataFrame, level: float) -> dict:
    X = np.column_stack([np.ones(len(data)), data["after"].to_numpy(dtype=float)])
    fit = clustered_ols(data["y"], X, data["partner_id"], data["w"])
    return _interval(float(fit.params[-1]), float(fit.bse[-1]), fit.clusters - 1, level)


def panel_estimate(data: pd.DataFrame, with_control: bool, level: float, min_partners: int,
                   min_respondents: int) -> dict:
    """Within-partner change: partners answering both before and after the change."""
    means = (data.assign(wy=data["y"] * data["w"])
             .groupby(["partner_id", "after"]).agg(wy=("wy", "sum"), w=("w", "sum"), n=("y", "size"),
                                                   affected=("affected", "max")))
    means["mean"] = means["wy"] / means["w"]
    wide = means["mean"].unstack("after")
    counts = means["n"].unstack("after")
    both = wide.dropna().index
    if not (True in wide.columns and False in wide.columns) or len(both) == 0:
        return {"status": "not enough data", "reason": "no partner answered both before and after the change",
                "partners": 0}
    delta = (wide.loc[both, True] - wide.loc[both, False]).to_numpy()
    affected = means["affected"].groupby(level="partner_id").max().loc[both].to_numpy(dtype=float)
    groups = (("affected", 1.0), ("unaffected", 0.0)) if with_control else (("affected", 1.0),)
    for name, flag in groups:
        pick = affected == flag
        respondents = counts.loc[both][pick]
        if pick.sum() < min_partners or respondents[False].sum() < min_respondents \
                or respondents[True].sum() < min_respondents:
            return {"status": "not enough data", "partners": int(len(both)),
                    "reason": f"fewer than {min_partners} {name} partners answered both before and after"}
    X = np.column_stack([np.ones(len(delta)), affected]) if with_control else np.ones((len(delta), 1))
    fit = clustered_ols(delta, X, np.asarray(both), None)
    out = _interval(float(fit.params[-1]), float(fit.bse[-1]), fit.clusters - 1, level)
    out.update(status="ok", partners=int(len(both)), affected_partners=int(affected.sum()),
               unaffected_partners=int(len(both) - affected.sum()))
    return out


def pre_trend_check(data: pd.DataFrame, level: float, min_partners: int, min_respondents: int) -> dict:
    """Placebo DiD among pre-change waves: the last one against the earlier ones."""
    pre = data[~data["after"]]
    waves = sorted(pre.groupby("wave_id")["wave_date"].min().items(), key=lambda kv: (kv[1], kv[0]))
    if len(waves) < 2:
        return {"status": "not available", "reason": "needs two or more waves before the change"}
    last = waves[-1][0]
    placebo = pre.assign(after=(pre["wave_id"] == last).to_numpy())
    reason = _thin(_cells(placebo), ("affected", "unaffected"), min_partners, min_respondents)
    if reason:
        return {"status": "not enough data", "reason": reason}
    est = did_fit(placebo, level)
    est.update(status="ok", moved_together=_covers_zero(est), waves=[w for w, _ in waves])
    return est


def estimate_effect(frame: pd.DataFrame, metric: Metric, effective: date, *, change: str = "the change",
                    who: str = "affected partners", level: float = DEFAULT_LEVEL,
                    min_partners: int = DEFAULT_MIN_PARTNERS,
                    min_respondents: int = DEFAULT_MIN_RESPONDENTS, previous: dict | None = None) -> dict:
    """The effect estimate of a change on one metric, with its verdict in words.

    ``previous``: an estimate already published for the same change; its pre-trend check is kept when it
    covers the same pre-change waves, so data that reached those waves later (a correction, a reopened
    wave) never moves that figure alone."""
    data = _prepare(frame, metric, effective)
    doc = {"metric": metric.name(), "change": change, "affected": who, "level": level,
           "effective": effective.isoformat(), "weighted": bool("weight" in frame),
           "waves": {"before": sorted(data.loc[~data["after"], "wave_id"].unique().tolist()),
                     "after": sorted(data.loc[data["after"], "wave_id"].unique().tolist())}}
    if not doc["waves"]["before"] or not doc["waves"]["after"]:
        return _not_enough(doc, "needs at least one wave before and one wave after the change")
    cells = _cells(data)
    unaffected = data.loc[~data["affected"], "partner_id"].nunique()
    design = "difference in differences"
    if unaffected == 0 or _thin(cells, ("unaffected",), min_partners, min_respondents):
        design = "before/after only"
        doc["comparison_note"] = ("no unaffected partners" if unaffected == 0
                                  else "too few unaffected partners for a comparison group")
        data = data[data["affected"]].reset_index(drop=True)
        cells = [c for c in cells if c["group"] == "affected"]
    reason = _thin(cells, ("affected",) if design != "difference in differences" else ("affected", "unaffected"),
                   min_partners, min_respondents)
    doc["design"] = design
    if reason:
        return _not_enough(doc, reason)
    doc["cells"] = cells
    with_control = design == "difference in differences"
    doc["estimate"] = did_fit(data, level) if with_control else before_after_fit(data, level)
    doc["estimate"]["partners"] = int(data["partner_id"].nunique())
    doc["panel"] = panel_estimate(data, with_control, level, min_partners, min_respondents)
    kept = previous and previous.get("design") == design and previous.get("pre_trend") and \
        (previous.get("waves") or {}).get("before") == doc["waves"]["before"]
    if kept:
        doc["pre_trend"] = previous["pre_trend"]
    else:
        doc["pre_trend"] = (pre_trend_check(data, level, min_partners, min_respondents) if with_control
                            else {"status": "not available", "reason": "no comparison group"})
    doc["status"] = "ok"
    doc["verdict"] = verdict(doc, metric)
    return doc


def _not_enough(doc: dict, reason: str) -> dict:
    doc.update(status="not enough data", reason=reason,
               verdict=f"Not enough data to estimate how {doc['metric']} moved after {doc['change']}: {reason}.")
    return doc


def _pct(level: float) -> str:
    return f"{level * 100:.0f}%"


def _span(est: dict) -> str:
    return f"{_pct(est['level'])} interval {est['low']:+.1f} to {est['high']:+.1f}"


def verdict(doc: dict, metric: Metric) -> str:
    """Plain words, as strong as the design allows and no stronger."""
    est, unit, name, who = doc["estimate"], metric.unit(), doc["metric"], doc["affected"]
    value = est["value"]
    moved = "rose" if value > 0 else "fell"
    if doc["design"] == "before/after only":
        head = ("Before/after only; other changes in the same period cannot be separated. "
                f"After {doc['change']}, {name} among {who} ")
        if _covers_zero(est):
            return head + (f"changed by {value:+.1f} {unit} ({_span(est)}); "
                           "the interval includes no change.")
        return head + f"{moved} {abs(value):.1f} {unit} ({_span(est)})."
    if _covers_zero(est):
        text = (f"After {doc['change']}, {name} among {who} changed by {value:+.1f} {unit} relative to "
                f"unaffected partners ({_span(est)}); the interval includes zero, so no difference "
                "can be told apart from chance")
    else:
        text = (f"After {doc['change']}, {name} among {who} {moved} {abs(value):.1f} {unit} "
                f"{'more' if value > 0 else 'further'} than among unaffected partners ({_span(est)})")
    trend = doc.get("pre_trend", {})
    if trend.get("status") == "ok":
        if trend["moved_together"]:
            text += (f"; before the change the two moved together (difference {trend['value']:+.1f}, "
                     f"{_span(trend)})")
        else:
            text += (f"; but before the change the two already moved apart (difference {trend['value']:+.1f}, "
                     f"{_span(trend)}), so the gap cannot be attributed to the change")
    else:
        text += "; with one wave before the change, whether the groups moved together before it cannot be checked"
    return text + "."
