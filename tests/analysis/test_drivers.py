"""Johnson's relative weights and the fix-first ranking."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.drivers import fix_first, relative_weights


def _orthogonal(n=40):
    x1 = np.tile([1.0, -1.0, 1.0, -1.0], n // 4)
    x2 = np.tile([1.0, 1.0, -1.0, -1.0], n // 4)
    return x1, x2


def test_uncorrelated_predictors_get_their_squared_correlations():
    # Given y = 2 x1 + x2 with x1, x2 uncorrelated: r² are 0.8 and 0.2, R² = 1
    x1, x2 = _orthogonal()
    frame = pd.DataFrame({"y": 2 * x1 + x2, "a": x1, "b": x2})
    result = relative_weights(frame, "y", ["a", "b"], min_n=10)
    assert result["r2"] == pytest.approx(1.0)
    assert result["weights"]["a"] == pytest.approx(0.8)
    assert result["weights"]["b"] == pytest.approx(0.2)


def test_duplicated_predictor_shares_importance_equally():
    x1, x2 = _orthogonal()
    frame = pd.DataFrame({"y": 2 * x1 + x2, "a": x1, "a_copy": x1, "b": x2})
    weights = relative_weights(frame, "y", ["a", "a_copy", "b"], min_n=10)["weights"]
    assert weights["a"] == pytest.approx(weights["a_copy"])
    assert weights["a"] + weights["a_copy"] == pytest.approx(0.8)


def test_too_few_answers_give_no_weights():
    frame = pd.DataFrame({"y": [1.0, 2, 3], "a": [1.0, 2, 4]})
    assert relative_weights(frame, "y", ["a"], min_n=30) == {"r2": None, "weights": {}}


def test_fix_first_ranks_by_importance_times_gap():
    ranked = fix_first({"portal": 0.5, "support": 0.3, "training": 0.2},
                       {"portal": 0.9, "support": 0.4, "training": 0.5})
    # priorities: portal 0.05, support 0.18, training 0.10
    assert [r["question"] for r in ranked] == ["support", "training", "portal"]
    assert ranked[0]["priority"] == pytest.approx(0.18) and ranked[0]["rank"] == 1


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=2, max_value=6))
def test_relative_weights_sum_to_one(seed, k):
    rng = np.random.default_rng(seed)
    base = rng.normal(size=80)
    frame = pd.DataFrame({f"q{i}": np.round(base * rng.uniform(0, 1) + rng.normal(size=80)) for i in range(k)})
    frame["y"] = frame.sum(axis=1) + rng.normal(size=80)
    result = relative_weights(frame, "y", [f"q{i}" for i in range(k)], min_n=30)
    assert sum(result["weights"].values()) == pytest.approx(1.0)
    assert all(w >= -1e-12 for w in result["weights"].values())


def test_pairwise_correlation_matches_pandas_with_missing_answers():
    from analysis.drivers import pairwise_correlation

    rng = np.random.default_rng(0)
    values = rng.normal(size=(300, 4))
    values[:, 1] += values[:, 0]
    values[rng.random((300, 4)) < 0.3] = np.nan
    expected = pd.DataFrame(values).corr(min_periods=30).to_numpy()
    assert np.allclose(pairwise_correlation(values, 30), expected)


# --- uncertainty: bootstrap over partners -------------------------------------------------------

def _driver_frame(n=90, seed=1):
    """y driven by a (strongly) and unrelated to b; ratings on 1..5."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 6, n).astype(float)
    b = rng.integers(1, 6, n).astype(float)
    y = np.clip(np.round(2 * a + rng.normal(0, 1, n)), 0, 10)
    return np.column_stack([y, a, b])


def test_bootstrap_resamples_partners_so_a_big_partner_moves_as_one():
    from analysis.drivers import bootstrap_drivers

    # Given one partner of 100 contacts whose answers carry all the signal of "a", and 19 partners of 5
    # contacts each for whom "b" carries a weaker signal
    rng = np.random.default_rng(2)
    big = _driver_frame(100, seed=3)
    small_b = rng.integers(1, 6, 95).astype(float)
    small = np.column_stack([np.clip(small_b + rng.normal(0, 2, 95), 0, 10), rng.integers(1, 6, 95), small_b])
    values = np.vstack([big, small])
    top2 = (values[:, 1:] >= 4).astype(float)
    clustered = np.r_[np.zeros(100, int), np.repeat(np.arange(1, 20), 5)]
    # When resampling partners versus resampling respondents
    by_partner = bootstrap_drivers(values, clustered, top2, min_n=10, seed=0)
    by_respondent = bootstrap_drivers(values, np.arange(len(values)), top2, min_n=10, seed=0)
    # Then dropping the big partner (about a third of the replicates) moves all its contacts at once
    assert by_respondent["first"][0] > 0.95
    assert by_partner["first"][0] < 0.85
    assert by_partner["high"][1] - by_partner["low"][1] > by_respondent["high"][1] - by_respondent["low"][1]


def test_bootstrap_is_deterministic_with_its_seed():
    from analysis.drivers import bootstrap_drivers

    values = _driver_frame()
    partners, top2 = np.arange(90) // 3, (values[:, 1:] >= 4).astype(float)
    first = bootstrap_drivers(values, partners, top2, min_n=10, seed=7)
    again = bootstrap_drivers(values, partners, top2, min_n=10, seed=7)
    other = bootstrap_drivers(values, partners, top2, min_n=10, seed=8)
    assert all(np.array_equal(first[k], again[k]) for k in first)
    assert not np.array_equal(first["low"], other["low"])


def _scorecard_drivers(rows, specs, by="region", threshold=5):
    from analysis.estimation import WaveData
    from analysis.scorecard import build_scorecard
    from tests.analysis.builders import frame

    return build_scorecard(WaveData("w", frame(rows)), specs, "tier", threshold=threshold, drivers_by=by)["drivers"]


def test_a_noise_question_is_not_distinguishable_from_zero_and_never_fix_first():
    from analysis.frame import QuestionSpec
    from tests.analysis.builders import respondent

    # Given 300 contacts of 100 partners: support drives the recommend score, portal is noise
    rng = np.random.default_rng(4)
    rows = []
    for i in range(300):
        support = float(rng.integers(1, 6))
        rows.append(respondent(i, min(10, max(0, round(2 * support + rng.normal(0, 1)))), support=support,
                               portal=float(rng.integers(1, 6)), partner=f"P{i // 3}"))
    specs = [QuestionSpec("q_nps", "nps"), QuestionSpec("q_portal", "rating", scale=5),
             QuestionSpec("q_support", "rating", scale=5)]
    overall = _scorecard_drivers(rows, specs, by=None)[0]
    # Then only support is fix-first, with an interval above zero, and portal is flagged instead
    assert [r["question"] for r in overall["fix_first"]] == ["q_support"]
    support = overall["fix_first"][0]
    assert support["importance_low"] > 0 and support["rank"] == 1 and support["rank_first"] > 0.9
    (noise,) = overall["not_distinguishable"]
    assert noise["question"] == "q_portal" and noise["rank"] is None
    assert noise["importance_low"] <= 0 <= noise["importance_high"]
    assert overall["bootstrap"] == {"unit": "partner", "replicates": 200, "seed": 0, "level": 0.9}


def test_a_program_question_is_analysed_only_among_the_programs_partners():
    from analysis.frame import QuestionSpec
    from tests.analysis.builders import respondent

    # Given portal (a partner_connect question) answered by everyone: for non-members it mirrors the
    # driving support question; for members it is noise and always a 5 or a 1
    rng = np.random.default_rng(6)
    rows = []
    for i in range(240):
        support = float(rng.integers(1, 6))
        member = i % 2 == 0
        portal = float(rng.choice([1, 5])) if member else support
        rows.append(respondent(i, min(10, max(0, round(2 * support + rng.normal(0, 1)))), support=support,
                               portal=portal, programs=("partner_connect",) if member else ()))
    specs = [QuestionSpec("q_nps", "nps"), QuestionSpec("q_portal", "rating", scale=5, program="partner_connect"),
             QuestionSpec("q_support", "rating", scale=5)]
    drivers = {tuple(d["segment"].values()): d for d in _scorecard_drivers(rows, specs, by="program")}
    overall = drivers[()]
    portal = next(r for r in overall["fix_first"] + overall["not_distinguishable"] if r["question"] == "q_portal")
    members = [r for r in rows if r["programs"]]
    # Then portal's satisfaction and importance come from members only (their answers are noise)
    assert portal["performance_top2"] == pytest.approx(np.mean([r["q_portal"] == 5 for r in members]), abs=1e-4)
    assert portal in overall["not_distinguishable"]
    # and among partners outside the program the question does not exist
    outside = drivers[("(none)",)]
    assert outside["status"] == "ok"
    assert "q_portal" not in [r["question"] for r in outside["fix_first"] + outside["not_distinguishable"]]


def test_segments_under_the_threshold_get_no_driver_output():
    from analysis.suppression import MARKER
    from tests.analysis.builders import SPECS, respondent

    rows = [respondent(i, i % 11, support=1 + i % 5, region="APJ" if i < 3 else "EMEA") for i in range(80)]
    drivers = {tuple(d["segment"].values()): d for d in _scorecard_drivers(rows, SPECS, by="region")}
    assert drivers[("APJ",)]["n"] == MARKER
    assert drivers[("APJ",)]["fix_first"] == [] and drivers[("APJ",)]["not_distinguishable"] == []
    assert drivers[("EMEA",)]["status"] == "ok"


def test_unit_sums_equal_the_pairwise_statistics_of_each_units_rows():
    from analysis.drivers import unit_sums

    # Given answers with gaps in every column (many answer patterns) and 25 units of uneven size
    rng = np.random.default_rng(11)
    values = rng.integers(0, 6, (400, 4)).astype(float)
    values[rng.random((400, 4)) < 0.25] = np.nan
    units = rng.integers(0, 25, 400) * 3  # sparse codes: the result is in ascending code order
    top2 = (values[:, 1:] >= 4).astype(float)
    # When summed per unit in small chunks (runs cross chunk boundaries)
    sums = unit_sums(values, units, top2, chunk=37)
    # Then each unit's matrices are the pairwise-complete statistics of its own rows
    assert sums["units"].tolist() == sorted(set(units.tolist()))
    for u, code in enumerate(sums["units"]):
        rows = values[units == code]
        m = (~np.isnan(rows)).astype(float)
        x = np.where(m > 0, rows, 0.0)
        expected = {"n": m.T @ m, "sx": x.T @ m, "sxx": (x * x).T @ m, "sxy": x.T @ x,
                    "answered": m[:, 1:].sum(axis=0), "top2": (top2[units == code] * m[:, 1:]).sum(axis=0)}
        for name, value in expected.items():
            assert np.array_equal(sums[name][u], value), (name, code)


def test_weights_from_sums_equal_relative_weights_on_the_rows():
    from analysis.drivers import unit_sums, weights_from_sums

    rng = np.random.default_rng(12)
    values = np.column_stack([rng.integers(0, 11, 300), rng.integers(1, 6, (300, 3))]).astype(float)
    values[:, 0] = np.clip(np.round(values[:, 1] * 1.5 + values[:, 2] + rng.normal(0, 1, 300)), 0, 10)
    values[rng.random((300, 4)) < 0.2] = np.nan
    values[:, 3] = np.where(np.isnan(values[:, 3]), np.nan, 3.0)  # no variance: not usable
    sums = unit_sums(values, np.arange(300) // 4, np.zeros((300, 3)))
    total = {name: sums[name].sum(axis=0) for name in ("n", "sx", "sxx", "sxy")}
    columns = ["y", "a", "b", "c"]
    expected = relative_weights(pd.DataFrame(values, columns=columns), "y", columns[1:], min_n=30)
    assert weights_from_sums(total, columns, min_n=30) == expected
    assert set(expected["weights"]) == {"a", "b"}
