"""The change-effect estimator: against statsmodels, its designs, thresholds, wording and coverage."""
from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis.cluster_ols import clustered_ols
from analysis.impact import Metric, affected_flags, estimate_effect, metric_values
from analysis.impact_simulation import coverage_study, simulate_program
from analysis.student_t import t_cdf, t_quantile
from chalicelib.domain.changes import Segments

sm = pytest.importorskip("statsmodels.api")
scipy_stats = pytest.importorskip("scipy.stats")

EFFECTIVE = date(2021, 2, 1)
NPS = Metric("nps", "q_nps")


def two_wave_program(seed=3, effect=12.0):
    program = simulate_program(np.random.default_rng(seed), partners=90, pre_waves=1, post_waves=1, effect=effect)
    frame = program.frame.assign(affected=lambda f: f["tier"] == program.affected_tier)
    return program, frame


def design(frame, effective=EFFECTIVE, waves_fixed=False):
    y = metric_values(frame, NPS).to_numpy()
    a = frame["affected"].to_numpy(dtype=float)
    after = (pd.to_datetime(frame["wave_date"]).dt.date >= effective).to_numpy(dtype=float)
    if waves_fixed:
        dummies = pd.get_dummies(frame["wave_id"]).to_numpy(dtype=float)
        return y, np.column_stack([dummies, a, a * after])
    return y, np.column_stack([np.ones(len(y)), a, after, a * after])


@pytest.mark.parametrize("df", [1, 2, 4, 9, 30, 200])
@pytest.mark.parametrize("p", [0.6, 0.95, 0.975])
def test_student_t_matches_scipy(df, p):
    assert t_quantile(p, df) == pytest.approx(scipy_stats.t.ppf(p, df), rel=1e-7)
    assert t_cdf(1.3, df) == pytest.approx(scipy_stats.t.cdf(1.3, df), rel=1e-9)


def test_clustered_wls_matches_statsmodels():
    rng = np.random.default_rng(1)
    groups = np.repeat(np.arange(25), 4)
    X = np.column_stack([np.ones(100), rng.normal(size=100)])
    y = X @ [1.0, 2.0] + rng.normal(size=25)[groups] + rng.normal(size=100)
    w = rng.uniform(0.5, 2.0, 100)
    ours = clustered_ols(y, X, groups, w)
    ref = sm.WLS(y, X, weights=w).fit(cov_type="cluster", cov_kwds={"groups": groups})
    np.testing.assert_allclose(ours.params, ref.params, rtol=1e-10)
    np.testing.assert_allclose(ours.bse, ref.bse, rtol=1e-8)


def test_did_estimate_and_interval_match_statsmodels_cluster_ols():
    program, frame = two_wave_program()
    doc = estimate_effect(frame, NPS, program.effective)
    y, X = design(frame, program.effective)
    groups = pd.factorize(frame["partner_id"])[0]
    ref = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    low, high = ref.conf_int(alpha=0.10)[3]
    est = doc["estimate"]
    assert doc["design"] == "difference in differences"
    assert est["value"] == pytest.approx(ref.params[3], abs=1e-8)
    assert est["se"] == pytest.approx(ref.bse[3], rel=1e-8)
    assert est["df"] == frame["partner_id"].nunique() - 1
    assert (est["low"], est["high"]) == (pytest.approx(low, rel=1e-6), pytest.approx(high, rel=1e-6))


def test_multi_wave_did_uses_wave_effects_like_statsmodels():
    program = simulate_program(np.random.default_rng(5), pre_waves=2, post_waves=2)
    frame = program.frame.assign(affected=lambda f: f["tier"] == program.affected_tier)
    doc = estimate_effect(frame, NPS, program.effective)
    y, X = design(frame, program.effective, waves_fixed=True)
    ref = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(frame["partner_id"])[0]})
    assert doc["estimate"]["value"] == pytest.approx(ref.params[-1], abs=1e-8)
    assert doc["estimate"]["se"] == pytest.approx(ref.bse[-1], rel=1e-8)
    assert doc["pre_trend"]["status"] == "ok"


def test_weights_give_weighted_least_squares():
    program, frame = two_wave_program(seed=8)
    w = np.where(frame["tier"] == "enrolled", 2.0, 0.7)
    doc = estimate_effect(frame.assign(weight=w), NPS, program.effective)
    y, X = design(frame, program.effective)
    ref = sm.WLS(y, X, weights=w).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(frame["partner_id"])[0]})
    assert doc["weighted"] and doc["estimate"]["value"] == pytest.approx(ref.params[3], abs=1e-8)
    assert doc["estimate"]["se"] == pytest.approx(ref.bse[3], rel=1e-8)


def rows(partner, wave, wave_date, scores, tier="advanced"):
    return [{"partner_id": partner, "wave_id": wave, "wave_date": wave_date, "tier": tier, "q_nps": s,
             "q_rate": min(5, 1 + s // 2)} for s in scores]


def hand_frame(affected_partners=4, unaffected_partners=4, lift=3):
    data = []
    for p in range(affected_partners):
        data += rows(f"A{p}", "w1", "2020-09-15", [6, 7, 8 + p % 2], "advanced")
        data += rows(f"A{p}", "w2", "2021-03-15", [min(10, 6 + lift), 8, 9 + p % 2], "advanced")
    for p in range(unaffected_partners):
        data += rows(f"U{p}", "w1", "2020-09-15", [7, 7, 9 - p % 2], "enrolled")
        data += rows(f"U{p}", "w2", "2021-03-15", [7, 8, 9 - p % 2], "enrolled")
    frame = pd.DataFrame(data)
    return frame.assign(affected=affected_flags(frame, Segments(tiers=("advanced",))))


def test_panel_is_the_difference_of_partner_changes():
    doc = estimate_effect(hand_frame(), NPS, EFFECTIVE)
    # affected: even partners -33.3 → +66.7 (+100), odd 0 → +66.7; unaffected: no change
    assert doc["panel"]["status"] == "ok"
    assert doc["panel"]["value"] == pytest.approx(250 / 3)
    assert doc["estimate"]["value"] == pytest.approx(250 / 3)


def test_top2_metric_in_percentage_points():
    doc = estimate_effect(hand_frame(), Metric("top2", "q_rate", scale=5), EFFECTIVE)
    # q_rate = 1 + score//2: 6→4, 9→5, so the first contact moves 4→5: both top-2; no change
    assert doc["estimate"]["value"] == pytest.approx(0.0, abs=1e-9)


def test_too_few_affected_partners_is_not_enough_data_and_publishes_no_figures():
    doc = estimate_effect(hand_frame(affected_partners=2), NPS, EFFECTIVE)
    assert doc["status"] == "not enough data"
    assert "fewer than 3 partners" in doc["verdict"]
    assert "estimate" not in doc and "cells" not in doc


def test_no_unaffected_group_is_worded_as_before_after_only():
    doc = estimate_effect(hand_frame(unaffected_partners=0), NPS, EFFECTIVE)
    assert doc["design"] == "before/after only"
    assert doc["verdict"].startswith("Before/after only; other changes in the same period cannot be separated.")
    assert "more than" not in doc["verdict"] and "caused" not in doc["verdict"]


def test_a_single_wave_before_says_trends_cannot_be_checked():
    doc = estimate_effect(hand_frame(), NPS, EFFECTIVE, change="the payout change", who="advanced partners")
    assert doc["verdict"].startswith("After the payout change, NPS among advanced partners rose 83.3 points more "
                                     "than among unaffected partners (90% interval")
    assert "cannot be checked" in doc["verdict"]


def test_diverging_pre_trends_are_flagged_and_the_gap_is_not_attributed():
    rng = np.random.default_rng(11)
    program = simulate_program(rng, pre_waves=2, post_waves=1, effect=0.0, partners=150)
    frame = program.frame.assign(affected=lambda f: f["tier"] == program.affected_tier)
    # the affected tier's scores climb by 3 rating points per wave from the first wave on
    wave_no = frame["wave_id"].str[1:].astype(int) - 1
    frame = frame.assign(q_nps=np.clip(frame["q_nps"] + np.where(frame["affected"], 3 * wave_no, 0), 0, 10))
    doc = estimate_effect(frame, NPS, program.effective)
    assert doc["pre_trend"]["status"] == "ok" and not doc["pre_trend"]["moved_together"]
    assert "cannot be attributed to the change" in doc["verdict"]


def test_no_wave_after_the_change_is_not_enough_data():
    frame = hand_frame()
    doc = estimate_effect(frame[frame["wave_id"] == "w1"], NPS, EFFECTIVE)
    assert doc["status"] == "not enough data" and "one wave after" in doc["reason"]


def test_partner_judged_by_its_latest_attributes():
    frame = hand_frame()
    frame.loc[(frame["partner_id"] == "U0") & (frame["wave_id"] == "w2"), "tier"] = "advanced"
    flags = affected_flags(frame, Segments(tiers=("advanced",)))
    assert flags[frame["partner_id"] == "U0"].all()


def test_small_simulation_intervals_cover_the_truth_about_as_often_as_stated():
    result = coverage_study(40, seed=7)
    assert result["estimated"] == 40
    assert 0.75 <= result["coverage"] <= 0.99
    assert result["false_positive_rate"] <= 0.3


def test_a_published_pre_trend_is_kept_while_its_pre_change_waves_are_the_same():
    """A released estimate keeps its pre-trend check when a later re-read of the same pre-change waves
    differs (a correction), so that figure never moves by one answer alone; other pre-change waves
    (here: one dropped) get a fresh check."""
    program = simulate_program(np.random.default_rng(5), pre_waves=2, post_waves=2)
    frame = program.frame.assign(affected=lambda f: f["tier"] == program.affected_tier)
    first = estimate_effect(frame, NPS, program.effective)
    first_wave = first["pre_trend"]["waves"][0]
    corrected = frame.copy()
    row = corrected.index[(corrected["wave_id"] == first_wave) & corrected["affected"]][0]
    corrected.loc[row, "q_nps"] = 10 - corrected.loc[row, "q_nps"]
    fresh = estimate_effect(corrected, NPS, program.effective)
    kept = estimate_effect(corrected, NPS, program.effective, previous=first)
    assert fresh["pre_trend"]["value"] != pytest.approx(first["pre_trend"]["value"])  # the correction shows
    assert kept["pre_trend"] == first["pre_trend"]
    assert kept["estimate"] == fresh["estimate"]  # the estimate itself is the current one
    other = estimate_effect(corrected[corrected["wave_id"] != first_wave], NPS, program.effective, previous=first)
    assert other["pre_trend"] != first["pre_trend"]
