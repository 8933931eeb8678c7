"""Hand-computed fixtures for every statistic."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import stats


def test_nps_counts_promoters_minus_detractors_with_variance_interval():
    # Given 4 promoters (10, 9, 10, 9), 2 passives (8, 7), 4 detractors (6, 0, 5, 3)
    estimate = stats.nps([10, 9, 8, 7, 6, 0, 10, 5, 9, 3])
    # p = d = 0.4: NPS 0, variance 100²(0.8 - 0)/10, se = 28.284
    assert estimate.value == pytest.approx(0.0)
    assert estimate.se == pytest.approx(28.2843, abs=1e-3)
    assert estimate.low == pytest.approx(-55.437, abs=1e-2)
    assert estimate.high == pytest.approx(55.437, abs=1e-2)


def test_nps_standard_error_has_no_finite_population_correction():
    # p = 0.6, d = 0.2: NPS 40, se = 100 sqrt((0.8 - 0.16)/5) = 35.777 (self-selected respondents: no FPC)
    plain = stats.nps([10, 10, 10, 8, 2])
    assert plain.value == pytest.approx(40.0)
    assert plain.se == pytest.approx(35.7771, abs=1e-3)


def test_unanimous_answers_get_an_adjusted_interval_of_positive_width():
    estimate = stats.nps([10, 10, 9, 9, 10])
    assert estimate.value == 100 and estimate.se > 0 and estimate.low < estimate.high
    assert estimate.adjusted and estimate.to_dict()["interval"].startswith("adjusted")
    mean = stats.mean_interval([4, 4, 4, 4], scale=5)
    assert mean.se > 0 and mean.low < 4 < mean.high and mean.adjusted
    assert not stats.nps([10, 9, 0]).adjusted  # a mixed group keeps the plain variance


def test_t_distribution_matches_reference_values():
    # Student's t two-sided 95% quantiles (tables): df 1: 12.706, 2: 4.303, 10: 2.228, 100: 1.984
    for df, expected in ((1, 12.7062), (2, 4.3027), (10, 2.2281), (100, 1.9840)):
        assert stats.t_quantile(df) == pytest.approx(expected, abs=1e-3)
    assert stats.t_two_sided_p(2.228139, 10) == pytest.approx(0.05, abs=1e-5)
    assert stats.critical(None) == stats.Z95 and stats.critical(3) == pytest.approx(4.3027, abs=1e-3)


def test_difference_of_few_partner_estimates_is_referred_to_t():
    a = stats.Estimate(10.0, 0, 0, 4.0, 12, clusters=3)
    b = stats.Estimate(0.0, 0, 0, 3.0, 40, clusters=20)
    result = stats.difference_test(a, b)
    assert result["df"] == 2 and result["p"] == pytest.approx(stats.t_two_sided_p(2.0, 2), abs=1e-9)
    assert result["p"] > stats.two_sided_p(2.0)  # wider than the normal reference


def test_nps_interval_is_clamped_to_the_scale():
    estimate = stats.nps([10, 10, 9, 0])
    assert estimate.high <= 100 and estimate.low >= -100


def test_top2_box_share_with_wilson_interval():
    # 3 of 5 ratings are 4 or 5: Wilson 95% interval for 3/5 is [0.2307, 0.8824]
    estimate = stats.wilson(3, 5)
    assert estimate.value == pytest.approx(0.6)
    assert estimate.low == pytest.approx(0.2307, abs=1e-4)
    assert estimate.high == pytest.approx(0.8824, abs=1e-4)


def test_top2_threshold_depends_on_scale():
    assert stats.top2_threshold(5) == 4 and stats.top2_threshold(7) == 6


def test_mean_interval_uses_sample_standard_deviation():
    # mean 3.8, s² = 6.8 / 4 = 1.7, se = sqrt(1.7 / 5) = 0.58310
    estimate = stats.mean_interval([5, 4, 3, 2, 5])
    assert estimate.value == pytest.approx(3.8)
    assert estimate.se == pytest.approx(0.583095, abs=1e-5)
    assert estimate.high == pytest.approx(3.8 + 1.959964 * 0.583095, abs=1e-4)


def test_weighted_mean_uses_linearised_variance_and_drops_zero_weights():
    # x = (1, -1) with weights (3, 1): mean 0.5; var = (9 * 0.25 + 1 * 2.25) / 16
    estimate = stats.weighted_mean([1, -1, 0], [3, 1, 0], scale=100)
    assert estimate.value == pytest.approx(50.0)
    assert estimate.se == pytest.approx(100 * math.sqrt(0.28125), abs=1e-6)
    assert estimate.n == 2


def test_equal_weights_on_classes_reproduce_the_nps_formula():
    scores = [10, 9, 8, 7, 6, 0, 10, 5, 9, 3, 10]
    by_formula = stats.nps(scores)
    by_weights = stats.weighted_mean(stats.nps_class(np.array(scores)), scale=100)
    assert by_weights.value == pytest.approx(by_formula.value)
    assert by_weights.se == pytest.approx(by_formula.se)


def test_difference_test_is_a_two_sided_z_test():
    a = stats.Estimate(10, 0, 0, 3, 100)
    b = stats.Estimate(4, 0, 0, 4, 100)
    result = stats.difference_test(a, b)
    assert result["z"] == pytest.approx(1.2)
    assert result["p"] == pytest.approx(0.230139, abs=1e-5)


def test_normal_cdf_matches_known_quantiles():
    assert stats.normal_cdf(1.959964) == pytest.approx(0.975, abs=1e-6)
    assert stats.normal_cdf(0) == pytest.approx(0.5)


def test_benjamini_hochberg_adjusts_and_keeps_monotone_order():
    adjusted = stats.benjamini_hochberg([0.01, 0.04, 0.03, 0.5, float("nan")])
    assert adjusted[:4] == pytest.approx([0.04, 0.053333, 0.053333, 0.5], abs=1e-5)
    assert math.isnan(adjusted[4])


@given(st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=300))
def test_nps_and_its_interval_stay_within_minus_100_and_100_and_never_have_zero_width(scores):
    estimate = stats.nps(scores)
    assert -100 <= estimate.low <= estimate.value <= estimate.high <= 100
    assert estimate.se > 0 and estimate.high > estimate.low


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=500))
def test_wilson_interval_contains_the_share_and_stays_in_unit_interval(successes, extra):
    n = successes + extra
    estimate = stats.wilson(successes, n)
    assert 0 <= estimate.low <= estimate.value <= estimate.high <= 1
