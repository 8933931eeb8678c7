"""Theme changes between waves (issue 24): share of comments and negative share per theme, clustered by
partner, one Benjamini-Hochberg family, comment and partner thresholds on both sides."""
from __future__ import annotations

from analysis.theme_changes import describe, significant, theme_changes


def comments(wave: str, spec: list[tuple[str, int, int, str]]) -> list[dict]:
    """Comment records from (tier, partners, comments with the theme per partner out of 4, label)."""
    out = []
    for tier, partners, with_theme, label in spec:
        for p in range(partners):
            for i in range(4):
                themes = ["payouts"] if i < with_theme else ["portal"]
                out.append({"id": f"{wave}-{tier}-{p}-{i}", "partner_id": f"{tier}-{p}", "tier": tier,
                            "label": label if i < with_theme else "positive", "themes": themes})
    return out


def test_a_theme_that_grows_significantly_is_found_for_the_program_and_its_tier():
    before = comments("h1", [("enrolled", 30, 1, "negative"), ("principal", 2, 1, "negative")])
    after = comments("h2", [("enrolled", 30, 3, "negative"), ("principal", 2, 1, "negative")])
    tests = theme_changes(after, before, min_comments=8, min_partners=3, labels={"payouts": "Incentive payouts"})
    grown = [t for t in significant(tests, "all") if t["theme"] == "payouts" and t["measure"] == "share"]
    assert grown and grown[0]["difference"] > 0.4 and grown[0]["p_adjusted"] < 0.05
    assert any(t["group"] == "tier:enrolled" and t["theme"] == "payouts" for t in significant(tests))
    assert describe(grown[0], "H1 2026").startswith("Incentive payouts: 72% of comments, up from 25% in H1 2026")
    # the principal tier has two partners: below the partner threshold, never compared
    assert not [t for t in tests if t["group"] == "tier:principal"]


def test_a_tiny_group_is_left_out_and_no_change_is_not_significant():
    before = comments("h1", [("enrolled", 30, 2, "negative"), ("advanced", 3, 1, "negative")])
    after = comments("h2", [("enrolled", 30, 2, "negative"), ("advanced", 3, 3, "negative")])
    tests = theme_changes(after, before, min_comments=20, min_partners=3)
    assert not [t for t in tests if t["group"] == "tier:advanced"]  # 12 comments < 20
    assert not [t for t in tests if t["group"] == "all" and t["significant"] and t["theme"] == "portal"
                and abs(t["difference"]) < 0.05]


def test_a_change_carried_by_one_partner_is_not_significant_once_clustered():
    """Forty comments more about payouts, all from one partner: the partner is the unit, not the comment."""
    base = [{"id": f"b{p}-{i}", "partner_id": f"p{p}", "tier": "enrolled", "label": "neutral",
             "themes": ["payouts"] if i == 0 else ["portal"]} for p in range(20) for i in range(5)]
    loud = [{"id": f"l{i}", "partner_id": "p0", "tier": "enrolled", "label": "negative", "themes": ["payouts"]}
            for i in range(40)]
    current = [dict(c, id="n" + c["id"]) for c in base] + loud
    tests = theme_changes(current, base, min_comments=8, min_partners=3)
    share = next(t for t in tests if t["group"] == "all" and t["theme"] == "payouts" and t["measure"] == "share")
    assert share["difference"] > 0.2 and not share["significant"]


def test_the_negative_share_is_tested_and_every_test_is_in_one_family():
    before = comments("h1", [("enrolled", 40, 2, "positive")])
    after = comments("h2", [("enrolled", 40, 2, "negative")])
    tests = theme_changes(after, before, min_comments=8, min_partners=3)
    tone = next(t for t in tests if t["group"] == "all" and t["theme"] == "payouts" and t["measure"] == "negative")
    assert tone["significant"] and tone["value"] == 1.0 and tone["other"] == 0.0
    assert "negative, up from 0%" in describe(tone)
    ps = sorted(t["p"] for t in tests)
    adjusted = sorted(t["p_adjusted"] for t in tests)
    assert all(a >= p for a, p in zip(adjusted, ps, strict=True))  # BH never lowers a p-value


def test_the_sparse_clustered_share_equals_the_sum_over_every_partner():
    """Partners without the theme enter the cluster-robust variance as (0 - p·m)²: the shortcut over
    the partners with the theme gives the same estimate as the plain sum over all partners."""
    import random

    from analysis.theme_changes import _clustered_share, _sparse_share, _tally

    rng = random.Random(3)
    rows = [{"id": str(i), "partner_id": f"p{rng.randrange(60)}", "tier": "enrolled", "label": "neutral",
             "themes": ["payouts"] if rng.random() < 0.3 else []} for i in range(500)]
    group = _tally(rows)["all"]
    members: dict[str, list[int]] = {}
    for r in rows:
        pair = members.setdefault(r["partner_id"], [0, 0])
        pair[0] += "payouts" in r["themes"]
        pair[1] += 1
    dense = _clustered_share([tuple(v) for v in members.values()])
    sparse = _sparse_share([(c, m) for c, _, m in group["themes"]["payouts"]], group)
    assert abs(dense.value - sparse.value) < 1e-12 and abs(dense.se - sparse.se) < 1e-12
    assert dense.clusters == sparse.clusters == 60
