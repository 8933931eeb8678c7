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
