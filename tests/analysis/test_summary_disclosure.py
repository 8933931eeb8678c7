"""Comment summaries across every view (issue 21): a partner threshold on cells and themes, and one
joint plan so that the union of all views' summaries (the whole wave and each tier and region
scope) determines no withheld comment count, label count or theme count (``analysis.summary_disclosure``).

Each view's summary is built on its own (``snapshot_builder.comment_summary``, as the snapshot
does), then planned jointly; the audit runs on the published documents, sizes recounted from the
comment records.
"""
import numpy as np
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from analysis.summary_disclosure import CommentAtoms, audit, plan
from chalicelib.services.snapshot_builder import comment_summary

TIERS, REGIONS = ["enrolled", "advanced", "principal"], ["AMER", "EMEA", "APJ", "LATAM"]
CELLS = [(t, r) for t in TIERS for r in REGIONS]
LABELS = ["positive", "neutral", "negative"]
THEMES = ["payouts", "portal", "support", "training"]


def _comments(sizes, seed, partner_size=2):
    rng = np.random.default_rng(seed)
    records, i = [], 0
    for (tier, region), size in zip(CELLS, sizes, strict=True):
        for _ in range(size):
            themes = sorted({THEMES[j] for j in rng.integers(0, len(THEMES), size=int(rng.integers(0, 3)))})
            records.append({"tier": tier, "region": region, "label": LABELS[int(rng.integers(0, 3))],
                            "themes": themes, "partner_id": f"P{i // partner_size}"})
            i += 1
    return records


def _views(records, threshold, min_partners, complement=True):
    views = [(None, comment_summary(records, threshold, min_partners, complement))]
    for dim, values in (("region", REGIONS), ("tier", TIERS)):
        for value in values:
            part = [r for r in records if r[dim] == value]
            if part:
                views.append(((dim, value), comment_summary(part, threshold, min_partners, complement)))
    return views


def _cell(doc, dim, value):
    return next(c for c in doc[dim] if c["segment"] == value)


# principal x LATAM: 1 comment. The whole view hides it (and a complement within the tier list),
# the APJ and the other region viewers are shown principal x AMER/EMEA/APJ: the whole view's
# principal total minus those gives principal x LATAM, with its label and themes.
PRINCIPAL_LATAM = [40, 40, 30, 12, 40, 40, 25, 12, 30, 30, 18, 1]


def test_a_cell_of_ten_comments_from_two_partners_is_withheld():
    records = [{"tier": "principal", "region": "LATAM", "label": "negative", "themes": ["payouts"],
                "partner_id": f"P{i % 2}"} for i in range(10)]
    records += [{"tier": tier, "region": "LATAM", "label": "positive", "themes": ["payouts"],
                 "partner_id": f"Q{i}"} for i in range(12) for tier in ("advanced", "enrolled")]
    summary = comment_summary(records, threshold=5, min_partners=3)
    assert _cell(summary, "tier", "principal") == {"segment": "principal", "comments": "suppressed",
                                                   "suppressed": True}
    # its complement within the tier list (the smaller other tier) keeps its segment name
    assert [c["suppressed"] for c in summary["tier"]] == [True, False, True]
    assert _cell(summary, "region", "LATAM")["comments"] == 34
    # the same ten comments from three partners are published
    spread = [{**r, "partner_id": f"P{i % 3}"} if r["tier"] == "principal" else r for i, r in enumerate(records)]
    assert _cell(comment_summary(spread, threshold=5, min_partners=3), "tier", "principal")["comments"] == 10


def test_a_theme_held_by_two_partners_is_withheld_in_a_published_cell():
    records = [{"tier": "advanced", "region": "EMEA", "label": "neutral", "themes": ["portal"] if i < 6 else [],
                "partner_id": f"P{i % 2}" if i < 6 else f"Q{i}"} for i in range(20)]
    cell = _cell(comment_summary(records, threshold=5, min_partners=3), "tier", "advanced")
    assert cell["comments"] == 20 and cell["themes"]["portal"] == "suppressed"


def test_scoped_summaries_alone_leak_and_the_joint_plan_closes_it():
    records = _comments(PRINCIPAL_LATAM, seed=3, partner_size=1)
    views = _views(records, threshold=5, min_partners=1)
    atoms = CommentAtoms(records, lattice=True)
    leaks = audit(views, atoms, 5, 1)
    target = (("region", "LATAM"), ("tier", "principal"))
    assert any(target in f.keys for f in leaks)  # principal x LATAM recovered from the union
    views = _views(records, threshold=5, min_partners=1, complement=False)
    plan(views, atoms, 5, 1)
    assert audit(views, atoms, 5, 1) == []
    region_latam = dict(views)[("region", "LATAM")]
    assert _cell(region_latam, "tier", "principal")["suppressed"]
    # the whole view keeps every tier and region total
    assert not any(c["suppressed"] for dim in ("tier", "region") for c in dict(views)[None][dim])


def test_the_plan_can_say_yes_large_groups_stay_published():
    records = _comments([40] * 12, seed=1, partner_size=1)
    views = _views(records, threshold=5, min_partners=3, complement=False)
    atoms = CommentAtoms(records, lattice=True)
    plan(views, atoms, 5, 3)
    for _, doc in views:
        for dim in ("tier", "region"):
            for cell in doc[dim]:
                assert cell["suppressed"] is False
                assert all(isinstance(v, dict) for v in cell["themes"].values())


def test_a_withdrawn_comment_moves_the_partner_count_exactly():
    from chalicelib.services.wave_state import comment_count_records, comment_counts

    records = [{"tier": "principal", "region": "LATAM", "label": "negative", "themes": [], "partner_id": f"P{i}"}
               for i in range(3)] * 3
    counts = comment_counts(records)
    counts[("principal", "LATAM", "negative", (), "P2")] -= 3  # partner P2 withdrew its three comments
    rows = [[*k[:3], list(k[3]), k[4], n] for k, n in counts.items() if n > 0]
    state_records = comment_count_records({"comments": rows})
    summary = comment_summary(state_records, threshold=5, min_partners=3)
    assert _cell(summary, "tier", "principal")["suppressed"]  # 6 comments, but from 2 partners
    assert _cell(comment_summary(state_records, threshold=5, min_partners=2), "tier", "principal")["comments"] == 6


sizes = st.lists(st.integers(min_value=0, max_value=25), min_size=12, max_size=12)


@example(PRINCIPAL_LATAM, 5, 1, 3, True)
@example(PRINCIPAL_LATAM, 10, 3, 3, True)
@example(PRINCIPAL_LATAM, 20, 3, 3, False)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True,
          phases=[Phase.explicit, Phase.generate])
@given(sizes, st.sampled_from([5, 8, 10, 20]), st.sampled_from([1, 3]), st.integers(min_value=0, max_value=10_000),
       st.booleans())
def test_the_union_of_all_summaries_determines_no_withheld_comment_value(cell_sizes, threshold, min_partners, seed,
                                                                         lattice):
    """Both reader models: the lattice (the snapshot's: empty classes unknown unless a published zero
    says so) and the stricter one where the reader knows which classes are empty."""
    records = _comments(cell_sizes, seed)
    if not records:
        return
    atoms = CommentAtoms(records, lattice=lattice)
    views = _views(records, threshold, min_partners, complement=False)
    plan(views, atoms, threshold, min_partners)
    findings = audit(views, atoms, threshold, min_partners)
    assert findings == [], [f.describe() for f in findings]
    for _, doc in views:  # a withheld cell shows no number in any view
        for dim in ("tier", "region"):
            for cell in doc[dim]:
                if cell["suppressed"]:
                    assert set(cell) == {"segment", "comments", "suppressed"}


def test_a_small_theme_recovered_across_scopes_is_hidden_and_its_cell_stays_published():
    """principal's "payouts" count (whole view) minus principal x AMER/EMEA/APJ's (region views)
    gives principal x LATAM's 2 "payouts" comments, which the LATAM view withholds."""
    records, n = [], 0
    for tier in TIERS:
        for region in REGIONS:
            for i in range(24):
                small = tier == "principal" and region == "LATAM"
                themes = ["payouts"] if (i < 2 if small else i % 2 == 0) else ["portal"]
                records.append({"tier": tier, "region": region, "label": LABELS[i % 3], "themes": themes,
                                "partner_id": f"P{n}"})
                n += 1
    atoms = CommentAtoms(records, lattice=True)
    target = (("region", "LATAM"), ("tier", "principal"), ("theme", "payouts"))
    leaks = audit(_views(records, 8, 3), atoms, 8, 3)
    assert any(target in f.keys for f in leaks)
    views = _views(records, 8, 3, complement=False)
    plan(views, atoms, 8, 3)
    assert audit(views, atoms, 8, 3) == []
    cell = _cell(dict(views)[("region", "LATAM")], "tier", "principal")
    assert cell["comments"] == 24 and cell["themes"]["payouts"] == "suppressed"
    assert not any(c["suppressed"] for _, doc in views for dim in ("tier", "region") for c in doc[dim])
