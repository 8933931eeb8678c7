"""Independent reference checks: the scorecard's clustered and weighted estimates against statsmodels.

An intercept-only regression of the NPS class (+1/0/-1) has the NPS as its coefficient; statsmodels'
cluster covariance (groups = partner) is the well-known cluster-robust variance, and WLS with the
nonresponse weights gives the weighted mean and its linearised cluster-robust variance.
"""
import numpy as np
import pandas as pd
import pytest

from analysis import weighting
from analysis.scorecard import WaveData, build_scorecard

from .builders import SPECS, frame, respondent

sm = pytest.importorskip("statsmodels.api")


def _clustered_wave(seed=7, partners=60):
    rng = np.random.default_rng(seed)
    rows, i = [], 0
    for p in range(partners):
        mood = rng.normal()
        tier = ["enrolled", "advanced", "principal"][p % 3]
        region = ["AMER", "EMEA"][p % 2]
        for _ in range(int(rng.integers(1, 6))):
            score = int(np.clip(round(7 + 2 * mood + rng.normal(0, 1)), 0, 10))
            rows.append(respondent(i, score, tier=tier, region=region, partner=f"P{p}"))
            i += 1
    return frame(rows)


def _classes(data):
    return np.where(data["q_nps"] >= 9, 1.0, np.where(data["q_nps"] <= 6, -1.0, 0.0))


def test_clustered_nps_standard_error_matches_statsmodels_cluster_covariance():
    data = _clustered_wave()
    doc = build_scorecard(WaveData("w", data), SPECS, "tier", threshold=5)
    groups = pd.factorize(data["partner_id"])[0]
    fit = sm.OLS(_classes(data), np.ones(len(data))).fit(cov_type="cluster", cov_kwds={"groups": groups})
    assert doc["overall"]["nps"]["value"] == pytest.approx(100 * fit.params[0], abs=0.05)
    assert doc["overall"]["nps"]["se"] == pytest.approx(100 * fit.bse[0], abs=1e-3)
    # and per segment (tier): same estimator on the tier's rows
    for cell in doc["breakdowns"][0]["cells"]:
        part = data[data["tier"] == cell["segment"]["tier"]]
        g = pd.factorize(part["partner_id"])[0]
        ref = sm.OLS(_classes(part), np.ones(len(part))).fit(cov_type="cluster", cov_kwds={"groups": g})
        assert cell["nps"]["se"] == pytest.approx(100 * ref.bse[0], abs=1e-3)
    assert doc["overall"]["nps"]["design_effect"] > 1  # contacts of one partner answer alike


def test_weighted_nps_and_its_clustered_error_match_statsmodels_wls():
    data = _clustered_wave(seed=11)
    invitations = pd.DataFrame({"invitation_id": range(400), "partner_id": "x",
                                "tier": ["enrolled"] * 250 + ["advanced"] * 100 + ["principal"] * 50,
                                "region": (["AMER", "EMEA"] * 200)})
    w, method = weighting.weights(data, invitations)
    assert method.startswith("post-stratification")
    estimate = weighting.weighted_nps(data, "q_nps", w)
    groups = pd.factorize(data["partner_id"])[0]
    fit = sm.WLS(_classes(data), np.ones(len(data)), weights=w).fit(cov_type="cluster",
                                                                   cov_kwds={"groups": groups})
    assert estimate.value == pytest.approx(100 * fit.params[0], abs=1e-9)
    assert estimate.se == pytest.approx(100 * fit.bse[0], rel=1e-9)
    # the weights reproduce the invited tier x region mix
    cells = data["tier"] + "|" + data["region"]
    shares = pd.Series(w).groupby(cells.to_numpy()).sum() / w.sum()
    target = (invitations["tier"] + "|" + invitations["region"]).value_counts(normalize=True)
    assert shares.sort_index().to_numpy() == pytest.approx(target.sort_index().to_numpy())


def test_sparse_cells_switch_to_raking_which_matches_both_margins():
    data = _clustered_wave(seed=3, partners=12)
    invitations = pd.DataFrame({"invitation_id": range(100), "partner_id": "x",
                                "tier": ["enrolled"] * 60 + ["advanced"] * 30 + ["principal"] * 10,
                                "region": ["AMER"] * 70 + ["EMEA"] * 30})
    w, method = weighting.weights(data, invitations)
    assert method.startswith("raking")
    for dim in ("tier", "region"):
        got = pd.Series(w).groupby(data[dim].to_numpy()).sum() / w.sum()
        want = invitations[dim].value_counts(normalize=True)
        assert got.sort_index().to_numpy() == pytest.approx(want.sort_index().to_numpy(), abs=1e-6)
