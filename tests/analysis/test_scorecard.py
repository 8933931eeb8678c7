"""The scorecard document: partner roll-up, weighting, suppression markers, comparisons, schema."""
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import stats
from analysis.scorecard import SCHEMA, WaveData, build_scorecard
from analysis.suppression import MARKER

from .builders import SPECS, frame, respondent


def _rollup_frame():
    # Partner A: three contacts 10, 10, 0 (classes +1, +1, -1: mean 1/3), revenue 100
    # Partner B: one contact 9 (+1), revenue 300; partner C: one contact 5 (-1), revenue 600
    return frame([
        respondent(1, 10, partner="A", revenue=100), respondent(2, 10, partner="A", revenue=100),
        respondent(3, 0, partner="A", revenue=100), respondent(4, 9, partner="B", revenue=300),
        respondent(5, 5, partner="C", revenue=600),
    ])


def test_respondent_partner_and_revenue_weighted_nps_differ_as_computed_by_hand():
    doc = build_scorecard(WaveData("w", _rollup_frame()), SPECS, "tier", threshold=1, concentration=(1.0, 1.0))
    overall = doc["overall"]
    # respondents: 3 promoters, 2 detractors of 5 -> 20
    assert overall["nps"]["value"] == pytest.approx(20.0)
    # partners: (1/3 + 1 - 1) / 3 -> 11.1
    assert overall["nps_partner"]["value"] == pytest.approx(11.1)
    assert overall["nps_partner"]["n"] == 3
    # revenue-weighted: (100/3 + 300 - 600) / 1000 -> -26.7
    assert overall["nps_revenue_weighted"]["value"] == pytest.approx(-26.7)
    # Kish effective number of partners: 1000² / (100² + 300² + 600²) = 2.17
    assert overall["nps_revenue_weighted"]["n_effective"] == pytest.approx(2.2)


def test_revenue_weighted_nps_is_withheld_when_one_partner_carries_most_of_the_weight():
    # C holds 60% of the revenue (> 50%): the weighted NPS would be nearly C's own score
    doc = build_scorecard(WaveData("w", _rollup_frame()), SPECS, "tier", threshold=1)
    assert doc["overall"]["nps_revenue_weighted"] == MARKER
    assert doc["overall"]["nps_partner"] != MARKER
    # two largest 90% > 75% even when the largest share limit is relaxed
    relaxed = build_scorecard(WaveData("w", _rollup_frame()), SPECS, "tier", threshold=1, concentration=(0.7, 0.75))
    assert relaxed["overall"]["nps_revenue_weighted"] == MARKER
    assert doc["suppression"]["revenue_concentration"] == {"largest_share_max": 0.5, "two_largest_share_max": 0.75}


def test_csat_top2_and_mean_per_rating_question():
    rows = [respondent(i, 9, portal=p) for i, p in enumerate([5, 4, 3, 2, 5])]
    doc = build_scorecard(WaveData("w", frame(rows)), SPECS, "tier", threshold=5)
    portal = doc["overall"]["csat"]["q_portal"]
    assert portal["top2"]["value"] == pytest.approx(0.6)
    # one contact per partner: the cluster-robust variance is p(1-p)/(n-1), a design effect of
    # G/(G-1) = 5/4, so the Wilson interval uses the effective n = 4 (0.2307 with n = 5)
    assert portal["top2"]["design_effect"] == pytest.approx(1.25)
    # five partners: the t quantile with 4 degrees of freedom (2.776) replaces 1.96
    crit, n_eff = stats.t_quantile(4), 4.0
    low = ((0.6 + crit ** 2 / (2 * n_eff)) - crit * np.sqrt(0.24 / n_eff + crit ** 2 / (4 * n_eff ** 2))) \
        / (1 + crit ** 2 / n_eff)
    assert portal["top2"]["ci_low"] == pytest.approx(low, abs=1e-4)
    assert portal["top2"]["partners"] == 5
    assert portal["mean"]["value"] == pytest.approx(3.8)
    # ... and for the mean it is s²/n exactly (s with n - 1 degrees of freedom): no change
    assert portal["mean"]["se"] == pytest.approx(0.5831, abs=1e-4)
    assert portal["mean"]["design_effect"] == pytest.approx(1.0)


def test_response_rate_uses_invited_counts_and_intervals_no_fpc():
    rows = [respondent(i, 10 if i % 2 else 0) for i in range(10)]
    invitations = pd.DataFrame({"invitation_id": [f"i{k}" for k in range(20)], "partner_id": "x",
                                "tier": "advanced", "region": "EMEA", "programs": [()] * 20})
    doc = build_scorecard(WaveData("w", frame(rows), invitations), SPECS, "tier", threshold=5)
    cell = doc["breakdowns"][0]["cells"][0]
    assert cell["invited"] == 20 and cell["response_rate"] == pytest.approx(0.5)
    # p = d = 0.5: se = 100 sqrt(1/10), times the cluster correction sqrt(G/(G-1)), G = 10; no FPC
    # (self-selected respondents are not a random draw from the invited list: docs/analysis.md)
    assert cell["nps"]["se"] == pytest.approx(100 * np.sqrt(0.1) * np.sqrt(10 / 9), abs=1e-2)


def _tiers_frame(sizes: dict[str, int]):
    rows, i = [], 0
    for tier, size in sizes.items():
        for k in range(size):
            rows.append(respondent(i, [10, 9, 7, 3][k % 4], tier=tier))
            i += 1
    return frame(rows)


def _numbers(value):
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return [value] if isinstance(value, (int, float)) and not isinstance(value, bool) else []


def test_small_segment_and_its_complement_carry_only_the_marker():
    doc = build_scorecard(WaveData("w", _tiers_frame({"enrolled": 40, "advanced": 3, "principal": 12})),
                          SPECS, "tier", threshold=5)
    cells = {c["segment"]["tier"]: c for c in doc["breakdowns"][0]["cells"]}
    assert cells["advanced"]["suppressed"] == "primary"
    assert cells["principal"]["suppressed"] == "complementary"
    assert cells["enrolled"]["suppressed"] is False
    for tier in ("advanced", "principal"):
        hidden = dict(cells[tier])
        hidden.pop("invited")
        assert _numbers(hidden) == [], f"{tier} leaks numbers"
        assert hidden["respondents"] == MARKER and hidden["nps"] == MARKER
        assert hidden["vs_rest"] == MARKER


def test_segment_against_rest_is_flagged_only_when_significant_after_correction():
    rows = [respondent(i, 10, tier="principal") for i in range(60)]
    rows += [respondent(100 + i, [0, 3, 9, 7][i % 4], tier="enrolled") for i in range(60)]
    doc = build_scorecard(WaveData("w", frame(rows)), SPECS, "tier", threshold=5)
    cells = {c["segment"]["tier"]: c for c in doc["breakdowns"][0]["cells"]}
    assert cells["principal"]["vs_rest"]["nps"]["significant"] is True
    assert cells["principal"]["vs_rest"]["nps"]["difference"] == pytest.approx(100 - (-25))
    # identical portal ratings everywhere: no difference, not significant
    assert cells["principal"]["vs_rest"]["csat_top2"]["q_portal"]["significant"] is False
    assert doc["tests"]["correction"] == "benjamini-hochberg"


def test_wave_over_wave_compares_the_same_segment():
    now = [respondent(i, 10, tier="principal") for i in range(50)]
    before = [respondent(i, [0, 9][i % 2], tier="principal") for i in range(50)]
    doc = build_scorecard(WaveData("w2", frame(now)), SPECS, "tier", previous=WaveData("w1", frame(before)))
    cell = doc["breakdowns"][0]["cells"][0]
    assert doc["previous_wave"] == "w1"
    assert cell["vs_previous"]["nps"]["other"] == pytest.approx(0.0)
    assert cell["vs_previous"]["nps"]["difference"] == pytest.approx(100.0)
    assert cell["vs_previous"]["nps"]["significant"] is True
    assert doc["overall"]["vs_previous"]["nps"]["significant"] is True


def test_choice_shares_count_every_selected_option():
    rows = [respondent(i, 9, model="services" if i < 2 else "resale",
                       chosen=("proof_of_concept", "technical_assessment") if i < 3 else ("proof_of_concept",))
            for i in range(5)]
    doc = build_scorecard(WaveData("w", frame(rows)), SPECS, "tier", threshold=5)
    choices = doc["overall"]["choices"]
    assert choices["q_model"]["shares"] == {"resale": 0.6, "services": 0.4}
    assert choices["q_programs"]["shares"] == {"technical_assessment": 0.6, "proof_of_concept": 1.0}


def test_crossed_and_multi_valued_breakdowns_and_json_is_strict():
    rows = [respondent(i, i % 11, tier=["enrolled", "advanced"][i % 2], region=["EMEA", "APJ", "AMER"][i % 3],
                       programs=[(), ("proof_of_concept",), ("proof_of_concept", "technical_assessment")][i % 3])
            for i in range(90)]
    doc = build_scorecard(WaveData("w", frame(rows)), SPECS, "tier:region,program", threshold=5)
    assert doc["schema"] == SCHEMA
    assert [b["by"] for b in doc["breakdowns"]] == [["tier", "region"], ["program"]]
    assert len(doc["breakdowns"][0]["cells"]) == 6
    programs = {c["segment"]["program"]: c["respondents"] for c in doc["breakdowns"][1]["cells"]}
    assert programs == {"(none)": 30, "proof_of_concept": 60, "technical_assessment": 30}
    json.dumps(doc, allow_nan=False)


def test_drivers_per_tier_rank_the_driving_question_first():
    rng = np.random.default_rng(3)
    rows = []
    for i in range(200):
        support = float(rng.integers(1, 6))
        rows.append(respondent(i, min(10, max(0, round(support * 2 + rng.normal(0, 0.5)))), support=support,
                               portal=float(rng.integers(1, 6)), tier=["enrolled", "advanced"][i % 2]))
    doc = build_scorecard(WaveData("w", frame(rows)), SPECS, "tier", drivers_by="tier")
    assert [d["segment"] for d in doc["drivers"]] == [{}, {"tier": "advanced"}, {"tier": "enrolled"}]
    for drivers in doc["drivers"]:
        assert drivers["status"] == "ok"
        listed = drivers["fix_first"] + drivers["not_distinguishable"]
        assert max(listed, key=lambda r: r["importance"])["question"] == "q_support"
        assert sum(r["importance"] for r in listed) == pytest.approx(1.0, abs=1e-3)


def test_empty_wave_gives_a_fully_suppressed_scorecard():
    empty = pd.DataFrame(columns=list(respondent(0, 0)))
    doc = build_scorecard(WaveData("w", empty), SPECS, "tier")
    assert doc["overall"]["respondents"] == MARKER
    assert doc["breakdowns"][0]["cells"] == []
    assert doc["drivers"][0]["status"] == "insufficient"


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["enrolled", "advanced", "principal"]),
                          st.sampled_from(["AMER", "EMEA", "APJ", "LATAM"]), st.integers(0, 10)),
                min_size=1, max_size=80),
       st.integers(min_value=2, max_value=8))
def test_no_published_cell_below_threshold_in_any_breakdown(answers, threshold):
    rows = [respondent(i, score, tier=tier, region=region) for i, (tier, region, score) in enumerate(answers)]
    doc = build_scorecard(WaveData("w", frame(rows)), SPECS, "tier,region,tier:region", threshold=threshold)
    for cell in [doc["overall"]] + [c for b in doc["breakdowns"] for c in b["cells"]]:
        if cell["respondents"] != MARKER:
            assert cell["respondents"] >= threshold
            assert -100 <= cell["nps"]["value"] <= 100
        else:
            assert cell["nps"] == MARKER
    # no subtraction recovers a hidden cell: every line has 0 or 2+ hidden cells while its margin
    # is published, and at least one hidden cell when its margin is hidden
    tiers, regions, crossed = (b["cells"] for b in doc["breakdowns"])
    for table in (tiers, regions):
        assert sum(bool(c["suppressed"]) for c in table) != 1 or len(table) == 1 \
            or doc["overall"]["suppressed"]
    for dim, margins in (("tier", tiers), ("region", regions)):
        for margin in margins:
            line = [c for c in crossed if c["segment"][dim] == margin["segment"][dim]]
            hidden = sum(bool(c["suppressed"]) for c in line)
            if margin["suppressed"]:
                assert hidden >= 1
            else:
                assert hidden != 1 or len(line) == 1


def test_partner_level_interval_is_not_narrowed_by_the_invited_count():
    invitations = pd.DataFrame({"invitation_id": [f"i{k}" for k in range(6)],
                                "partner_id": ["A", "A", "A", "B", "C", "D"], "tier": "advanced",
                                "region": "EMEA", "programs": [()] * 6})
    plain = build_scorecard(WaveData("w", _rollup_frame()), SPECS, "tier", threshold=1)["overall"]
    corrected = build_scorecard(WaveData("w", _rollup_frame(), invitations), SPECS, "tier",
                                threshold=1)["overall"]
    # partner values 1/3, 1, -1: se = 100 sqrt(sum (x - 1/9)² / 3²) = 48.005, with or without invitations
    assert plain["nps_partner"]["se"] == pytest.approx(48.005, abs=1e-2)
    assert corrected["nps_partner"]["se"] == pytest.approx(48.005, abs=1e-2)
    assert corrected["nps_partner"]["partners"] == 3  # t with 2 degrees of freedom
    assert corrected["nps_partner"]["ci_high"] - corrected["nps_partner"]["value"] > 4 * 48.005 * 0.99 or \
        corrected["nps_partner"]["ci_high"] == 100
    assert corrected["invited"] == 6 and corrected["respondents"] == 5


def test_question_new_since_the_previous_wave_is_compared_only_where_both_waves_have_answers():
    now = frame([respondent(i, 10) for i in range(20)])
    before = frame([respondent(i, 0) for i in range(20)]).drop(columns=["q_support"])
    doc = build_scorecard(WaveData("w2", now), SPECS, "tier", previous=WaveData("w1", before))
    comparison = doc["overall"]["vs_previous"]
    assert comparison["nps"]["difference"] == pytest.approx(200.0)
    assert "q_support" not in comparison["csat_top2"] and "q_portal" in comparison["csat_top2"]


def test_survey_without_nps_question_still_gives_csat_and_no_drivers():
    specs = [s for s in SPECS if s.type != "nps"]
    doc = build_scorecard(WaveData("w", frame([respondent(i, 5) for i in range(10)])), specs, "tier")
    assert doc["nps_question"] is None and doc["drivers"] == []
    assert "nps" not in doc["overall"] and doc["overall"]["csat"]["q_portal"]["top2"]["value"] == 1.0
    json.dumps(doc, allow_nan=False)


def test_crossed_table_cannot_rebuild_a_tier_total_suppressed_in_the_tier_table():
    sizes = {("principal", "AMER"): 3, ("advanced", "AMER"): 6, ("advanced", "EMEA"): 6,
             ("enrolled", "AMER"): 20, ("enrolled", "EMEA"): 20}
    rows, i = [], 0
    for (tier, region), size in sizes.items():
        for _ in range(size):
            rows.append(respondent(i, i % 11, tier=tier, region=region))
            i += 1
    doc = build_scorecard(WaveData("w", frame(rows)), SPECS, "tier,tier:region", threshold=5)
    tiers = {c["segment"]["tier"]: c for c in doc["breakdowns"][0]["cells"]}
    assert tiers["principal"]["suppressed"] == "primary" and tiers["advanced"]["suppressed"] == "complementary"
    advanced_cells = [c for c in doc["breakdowns"][1]["cells"] if c["segment"]["tier"] == "advanced"]
    assert any(c["suppressed"] for c in advanced_cells)


def test_drivers_of_segments_with_many_partners_use_every_respondent_and_groups_of_partners(monkeypatch):
    import analysis.key_drivers as key_drivers
    from analysis.drivers import relative_weights

    monkeypatch.setattr(key_drivers, "DRIVER_UNITS", 40)
    rng = np.random.default_rng(5)
    rows = [respondent(i, int(rng.integers(0, 11)), support=float(rng.integers(1, 6)),
                       portal=float(rng.integers(1, 6)), partner=f"P{i // 2}", programs=("partner_connect",))
            for i in range(200)]
    first = build_scorecard(WaveData("w", frame(rows)), SPECS, "tier")["drivers"][0]
    again = build_scorecard(WaveData("w", frame(rows)), SPECS, "tier")["drivers"][0]
    # Then the point estimate is over all 200 respondents, the bootstrap resamples 40 groups of partners
    expected = relative_weights(frame(rows), "q_nps", ["q_portal", "q_support"], min_n=30)["weights"]
    listed = {r["question"]: r["importance"] for r in first["fix_first"] + first["not_distinguishable"]}
    assert listed == {q: round(w, 4) for q, w in expected.items()}
    assert first["n"] == 200 and first["partners"] == 100 and first["sampled"] is None
    assert first["bootstrap"]["partner_groups"] == 40
    assert first == again


def test_a_program_question_answered_by_every_program_member_still_has_a_sampling_error():
    # all 10 partner_connect users answered the partner_connect (portal) question: with an FPC the
    # interval had zero width; without it both questions keep a positive standard error
    rows = [respondent(i, 9, portal=4 if i % 2 else 2, support=4 if i % 2 else 2, programs=("partner_connect",))
            for i in range(10)]
    invitations = pd.DataFrame({"invitation_id": [f"i{k}" for k in range(20)],
                                "partner_id": [f"P{k}" for k in range(20)],
                                "tier": "advanced", "region": "EMEA", "partner_types": [("reseller",)] * 20,
                                "transacting": "yes",
                                "programs": [("partner_connect",)] * 10 + [()] * 10})
    doc = build_scorecard(WaveData("w", frame(rows), invitations), SPECS, "tier", threshold=5)
    for cell in (doc["overall"], doc["breakdowns"][0]["cells"][0]):
        assert cell["csat"]["q_portal"]["mean"]["se"] > 0
        assert cell["csat"]["q_portal"]["mean"]["se"] == cell["csat"]["q_support"]["mean"]["se"]
