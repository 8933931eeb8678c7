"""Cross-scope differencing: the union of every view (the whole wave and each scope a viewer may
hold) determines no withheld value, checked by the linear-closure audit (``analysis.disclosure``).

Each view is built on its own (as the snapshot does), then planned jointly; the audit then runs
on the published documents, with sizes recounted from the raw frame.
"""
import numpy as np
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from analysis.atoms import collapse, contributions, stat_names
from analysis.disclosure import View, audit, collect, plan_jointly
from analysis.scorecard import WaveData, build_scorecard
from analysis.suppression import MARKER

from .builders import SPECS, frame, respondent

TIERS, REGIONS = ["enrolled", "advanced", "principal"], ["AMER", "EMEA", "APJ", "LATAM"]
CELLS = [(t, r) for t in TIERS for r in REGIONS]
NPS_ID = "q_nps"


def _wave(sizes, seed, partner_size=2):
    rng = np.random.default_rng(seed)
    rows, i = [], 0
    for (tier, region), size in zip(CELLS, sizes, strict=True):
        for _ in range(size):
            rows.append(respondent(i, int(rng.integers(0, 11)), tier=tier, region=region,
                                   partner=f"P{i // partner_size}", portal=float(rng.integers(1, 6)),
                                   support=float(rng.integers(1, 6))))
            i += 1
    return frame(rows)


def _atoms(data):
    specs = [s for s in SPECS if s.type != "text"]
    return collapse(contributions(data, specs, NPS_ID), stat_names(specs, NPS_ID))


def _views(data, threshold, min_partners):
    views = [View("all", build_scorecard(WaveData("w", data), SPECS, "tier,region,tier:region",
                                         threshold=threshold, min_partners=min_partners, drivers=[]))]
    for dim, values in (("region", REGIONS), ("tier", TIERS)):
        for value in values:
            part = data[data[dim] == value]
            if len(part):
                doc = build_scorecard(WaveData("w", part), SPECS, "tier,region,tier:region", threshold=threshold,
                                      min_partners=min_partners, drivers=[])
                views.append(View(f"{dim}={value}", doc, (dim, value)))
    return views


# principal x LATAM: 1 answer; the full view hides it and principal x APJ as its complement, while
# the APJ viewer's own plan publishes principal x APJ (the case found in review)
PRINCIPAL_LATAM = [40, 40, 30, 12, 40, 40, 25, 12, 30, 30, 18, 1]


def test_scoped_views_alone_leak_and_the_joint_plan_closes_it():
    data = _wave(PRINCIPAL_LATAM, seed=3, partner_size=1)
    views = _views(data, threshold=5, min_partners=1)
    before = audit(collect(views), _atoms(data), threshold=5)
    assert any(("tier", "principal") in key and ("region", "LATAM") in key for f in before for key in f.keys), \
        [f.describe() for f in before]
    plan_jointly(views, _atoms(data), threshold=5)
    after = audit(collect(views), _atoms(data), threshold=5)
    assert after == [], [f.describe() for f in after]
    apj = next(v for v in views if v.name == "region=APJ").doc
    principal_apj = next(c for c in apj["breakdowns"][0]["cells"] if c["segment"] == {"tier": "principal"})
    full = next(c for c in views[0].doc["breakdowns"][2]["cells"]
                if c["segment"] == {"tier": "principal", "region": "APJ"})
    # what the full view withholds, the APJ viewer does not see either
    assert bool(full["suppressed"]) == bool(principal_apj["suppressed"])


def test_the_plan_can_say_yes_large_groups_stay_published():
    data = _wave([30] * 12, seed=1, partner_size=1)
    views = _views(data, threshold=5, min_partners=3)
    plan_jointly(views, _atoms(data), threshold=5, min_partners=3)
    assert all(not c["suppressed"] for v in views for item in v.doc["breakdowns"] for c in item["cells"])


sizes = st.lists(st.integers(min_value=0, max_value=30), min_size=12, max_size=12)


@example(PRINCIPAL_LATAM, 5, 3)
@example(PRINCIPAL_LATAM, 10, 3)
@example(PRINCIPAL_LATAM, 20, 3)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True,
          phases=[Phase.explicit, Phase.generate])
@given(sizes, st.sampled_from([5, 10, 20]), st.integers(min_value=0, max_value=10_000))
def test_the_union_of_all_scopes_determines_no_withheld_value(cell_sizes, threshold, seed):
    data = _wave(cell_sizes, seed)
    if data.empty:
        return
    atoms = _atoms(data)
    views = _views(data, threshold, min_partners=3)
    plan_jointly(views, atoms, threshold, min_partners=3)
    findings = audit(collect(views), atoms, threshold, min_partners=3)
    assert findings == [], [f.describe() for f in findings]
    # a withheld cell never shows a number in any view
    for view in views:
        for item in view.doc["breakdowns"]:
            for cell in item["cells"]:
                if cell["suppressed"]:
                    assert cell["respondents"] == MARKER and cell["nps"] == MARKER
