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
scipy_stats = pytest.importorskip("scipy.stats")


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


def _clustered_ratings(seed=5, partners=50):
    """Contacts of one partner rate the portal alike (a partner mood), a few leave it blank."""
    rng = np.random.default_rng(seed)
    rows, i = [], 0
    for p in range(partners):
        mood = rng.normal()
        tier = ["enrolled", "advanced", "principal"][p % 3]
        for _ in range(int(rng.integers(1, 7))):
            portal = float(np.clip(round(3.4 + 1.1 * mood + rng.normal(0, 0.6)), 1, 5)) if rng.random() > 0.1 \
                else np.nan
            rows.append(respondent(i, 8, tier=tier, partner=f"P{p}", portal=portal))
            i += 1
    return frame(rows)


def _cluster_fit(values, partners):
    keep = ~np.isnan(values)
    groups = pd.factorize(partners[keep])[0]
    return sm.OLS(values[keep], np.ones(int(keep.sum()))).fit(cov_type="cluster", cov_kwds={"groups": groups},
                                                             use_t=True)


def test_clustered_csat_top2_and_mean_errors_match_statsmodels_cluster_covariance():
    data = _clustered_ratings()
    doc = build_scorecard(WaveData("w", data), SPECS, "tier", threshold=5)
    cells = [(doc["overall"], data)] + [(c, data[data["tier"] == c["segment"]["tier"]])
                                        for c in doc["breakdowns"][0]["cells"]]
    for cell, part in cells:
        portal = part["q_portal"].to_numpy(dtype=float)
        partners = part["partner_id"].to_numpy()
        top2 = np.where(np.isnan(portal), np.nan, (portal >= 4).astype(float))
        ref_top2, ref_mean = _cluster_fit(top2, partners), _cluster_fit(portal, partners)
        got = cell["csat"]["q_portal"]
        assert got["top2"]["value"] == pytest.approx(ref_top2.params[0], abs=5e-5)
        assert got["top2"]["se"] == pytest.approx(ref_top2.bse[0], abs=1e-6)
        assert got["mean"]["value"] == pytest.approx(ref_mean.params[0], abs=5e-4)
        assert got["mean"]["se"] == pytest.approx(ref_mean.bse[0], abs=1e-5)
        # statsmodels' small-sample cluster inference: t with G - 1 degrees of freedom
        low, high = ref_mean.conf_int(alpha=0.05)[0]
        assert got["mean"]["ci_low"] == pytest.approx(low, abs=2e-3)
        assert got["mean"]["ci_high"] == pytest.approx(high, abs=2e-3)
        # the Wilson interval is built on the effective n = n / design effect, with the t(G-1) quantile
        crit = scipy_stats.t.ppf(0.975, len(np.unique(partners)) - 1)
        p, n_eff = got["top2"]["value"], got["top2"]["n"] / got["top2"]["design_effect"]
        assert got["top2"]["ci_high"] - got["top2"]["ci_low"] == pytest.approx(
            2 * crit * np.sqrt(p * (1 - p) / n_eff + crit ** 2 / (4 * n_eff ** 2))
            / (1 + crit ** 2 / n_eff), abs=2e-4)
    assert doc["overall"]["csat"]["q_portal"]["top2"]["design_effect"] > 1.2  # partners' contacts agree
    assert doc["overall"]["csat"]["q_portal"]["mean"]["design_effect"] > 1.2


def test_few_partners_use_t_with_g_minus_1_degrees_of_freedom_as_statsmodels():
    """Three partners: the interval is about twice the normal one, exactly statsmodels' use_t=True."""
    rng = np.random.default_rng(7)
    partners = np.repeat(["P1", "P2", "P3"], [4, 3, 5])
    portal = np.clip(np.round(rng.normal(3.5, 1, len(partners))), 1, 5)
    frame_ = frame([respondent(i, 8, tier="principal", partner=p, portal=float(v))
                    for i, (p, v) in enumerate(zip(partners, portal, strict=True))])
    doc = build_scorecard(WaveData("w", frame_), SPECS, "tier", threshold=5)
    got = doc["overall"]["csat"]["q_portal"]["mean"]
    ref = _cluster_fit(portal, partners)
    low, high = ref.conf_int(alpha=0.05)[0]
    assert got["partners"] == 3
    assert got["ci_low"] == pytest.approx(low, abs=2e-3) and got["ci_high"] == pytest.approx(high, abs=2e-3)
    normal_half = 1.959964 * got["se"]
    assert (got["ci_high"] - got["ci_low"]) / 2 > 2 * normal_half  # t(2) = 4.30 against 1.96
