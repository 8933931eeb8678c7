"""Key drivers per segment: sufficient statistics, grouped bootstrap and the fix-first rule."""
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from analysis.frame import QuestionSpec
from analysis.key_drivers import fix_first_split

RATED = ("q_key", "q_happy", "q_minor", "q_flat")
SPECS = [QuestionSpec("q_nps", "nps")] + [QuestionSpec(q, "rating", scale=5) for q in RATED]


@lru_cache(maxsize=1)
def _fix_first_case() -> dict:
    """150 partners x 2 contacts. key: drives the score, few satisfied; happy: drives it, most satisfied;
    minor: a small but real effect, few satisfied; flat: unrelated, average satisfaction."""
    from analysis.estimation import WaveData
    from analysis.scorecard import build_scorecard
    from tests.analysis.builders import frame, respondent

    rng = np.random.default_rng(21)
    low, high = [0.25, 0.3, 0.25, 0.1, 0.1], [0.05, 0.05, 0.1, 0.3, 0.5]
    rows = []
    for i in range(300):
        key, happy, minor = (float(rng.choice([1, 2, 3, 4, 5], p=p)) for p in (low, high, low))
        flat = float(rng.integers(1, 6))
        nps = int(np.clip(round(1.2 * key + 1.2 * happy + 0.35 * minor - 3 + rng.normal(0, 0.7)), 0, 10))
        rows.append({**respondent(i, nps, partner=f"P{i // 2}"), "q_key": key, "q_happy": happy,
                     "q_minor": minor, "q_flat": flat})
    (overall,) = build_scorecard(WaveData("w", frame(rows)), SPECS, "tier", drivers_by=None)["drivers"]
    shares = sorted(np.mean([r[q] >= 4 for r in rows]) for q in RATED)
    return {"drivers": overall, "median": (shares[1] + shares[2]) / 2}


def _listed(drivers: dict) -> dict:
    return {r["question"]: r for r in drivers["fix_first"] + drivers["not_distinguishable"]}


def test_fix_first_excludes_a_minor_driver_even_though_its_interval_is_above_zero():
    drivers = _fix_first_case()["drivers"]
    minor = _listed(drivers)["q_minor"]
    # Given a real but small effect: the old rule (lower bound > 0) would list it as fix first
    assert 0 < minor["importance_low"] < 0.25 and minor["performance_top2"] < _fix_first_case()["median"]
    # Then its importance is not clearly above the average of the four drivers (1/4)
    assert minor in drivers["not_distinguishable"] and minor["reason"] == ["importance"]
    assert drivers["fix_first_rule"]["importance_low_above"] == 0.25


def test_fix_first_excludes_an_important_driver_partners_are_already_satisfied_with():
    drivers = _fix_first_case()["drivers"]
    happy = _listed(drivers)["q_happy"]
    assert happy["importance_low"] > 0.25
    assert happy in drivers["not_distinguishable"] and happy["reason"] == ["satisfaction"]


def test_fix_first_includes_a_clearly_important_driver_with_low_satisfaction():
    drivers = _fix_first_case()["drivers"]
    # the rule's satisfaction bar is the median top-2-box share of the wave's rating questions
    assert drivers["fix_first_rule"]["top2_below"] == pytest.approx(_fix_first_case()["median"], abs=1e-4)
    assert [r["question"] for r in drivers["fix_first"]] == ["q_key"]
    key = drivers["fix_first"][0]
    assert key["rank"] == 1 and key["importance_low"] > 0.25 and key["performance_top2"] < 0.25
    assert _listed(drivers)["q_flat"]["reason"] == ["importance", "satisfaction"]


@pytest.mark.parametrize("low, share, chosen", [(0.34, 0.3, True), (1 / 3, 0.3, False), (0.5, 0.4, False),
                                               (0.5, None, False)])
def test_fix_first_needs_both_criteria_strictly(low, share, chosen):
    ranked = [{"question": q, "importance_low": lo, "performance_top2": s}
              for q, lo, s in (("a", low, share), ("b", 0.0, 0.9), ("c", 0.0, 0.9))]
    fix, others = fix_first_split(ranked, wave_median=0.4)
    assert [r["question"] for r in fix] == (["a"] if chosen else [])
    assert fix_first_split(ranked, wave_median=None)[0] == []  # no median: nothing is fix first
    assert len(fix) + len(others) == 3


def _segment_rows(n_partners: int, contacts: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    partner = np.repeat(np.arange(n_partners), contacts)
    shared = rng.normal(size=n_partners)[partner]  # contacts of a partner answer alike,
    slope = rng.normal(1.0, 1.0, n_partners)[partner]  # and weigh the key question alike
    ratings = {q: np.clip(np.round(3 + w * shared + rng.normal(0, 1, len(partner))), 1, 5)
               for q, w in zip(RATED, (0.9, 0.5, 0.3, 0.0), strict=True)}
    score = np.clip(np.round(2 + slope * ratings["q_key"] + 0.5 * ratings["q_happy"]
                             + rng.normal(0, 1.5, len(partner))), 0, 10)
    frame = pd.DataFrame({"partner_id": [f"P{p}" for p in partner], "q_nps": score, **ratings,
                          "tier": np.array(["enrolled", "advanced", "principal"])[partner % 3],
                          "region": np.array(["AMER", "EMEA"])[(partner // 3) % 2]})
    frame.loc[rng.random(len(frame)) < 0.15, "q_minor"] = np.nan
    return frame


def test_point_estimates_equal_relative_weights_over_each_segments_respondents():
    from analysis.drivers import relative_weights
    from analysis.estimation import Respondents, WaveData
    from analysis.key_drivers import key_drivers
    from tests.analysis.builders import respondent

    rows = _segment_rows(120, 3, seed=8)
    base = pd.DataFrame([respondent(i, 0) for i in range(len(rows))]).drop(columns=list(rows.columns) + ["q_nps"],
                                                                          errors="ignore")
    wave = WaveData("w", pd.concat([base, rows], axis=1))
    for drivers in key_drivers(Respondents(wave), SPECS, "q_nps", "tier,region", threshold=5):
        part = rows
        for dim, label in drivers["segment"].items():
            part = part[part[dim] == label]
        expected = relative_weights(part, "q_nps", list(RATED), min_n=30)
        assert drivers["r2"] == round(expected["r2"], 4)
        assert {q: r["importance"] for q, r in _listed(drivers).items()} == {
            q: round(w, 4) for q, w in expected["weights"].items()}


def test_bootstrap_over_groups_of_partners_agrees_with_the_partner_bootstrap_within_monte_carlo_error(monkeypatch):
    from analysis import key_drivers
    from analysis.drivers import bootstrap_from_sums, unit_sums

    # Given 3,000 partners of 3 contacts whose contacts answer alike
    frame = _segment_rows(3000, 3, seed=9)
    values = frame[["q_nps", *RATED]].to_numpy()
    top2 = (values[:, 1:] >= 4).astype(float)
    partners = np.repeat(np.arange(3000), 3)
    by_partner = unit_sums(values, partners, top2)
    monkeypatch.setattr(key_drivers, "DRIVER_UNITS", 300)
    grouped_units = key_drivers._grouped(partners, 3000, seed=0)
    by_group = unit_sums(values, grouped_units, top2)
    assert len(by_group["units"]) == 300 and np.bincount(grouped_units).tolist() == [30] * 300
    # When each is bootstrapped with 10 seeds
    runs = {name: np.array([[bootstrap_from_sums(sums, 30, seed=s)[end] for end in ("low", "high")]
                            for s in range(10)])
            for name, sums in (("partner", by_partner), ("group", by_group))}
    # Then the interval ends agree within Monte Carlo error (4 standard errors of the difference of means)
    mean = {name: r.mean(axis=0) for name, r in runs.items()}
    se = np.sqrt(sum(r.var(axis=0, ddof=1) / len(r) for r in runs.values()))
    assert np.all(np.abs(mean["partner"] - mean["group"]) <= 4 * se + 1e-4)
    width = {name: (m[1] - m[0]) for name, m in mean.items()}
    assert np.allclose(width["group"], width["partner"], rtol=0.15, atol=0.002)
