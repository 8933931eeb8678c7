"""Statistics that stay honest at small n: no published interval of zero width, and every
false-discovery family reproducible from the p-values the document publishes."""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import stats
from analysis.disclosure import View, _tests, plan_jointly
from analysis.scorecard import WaveData, build_scorecard

from .builders import SPECS, frame, respondent
from .test_cross_scope import _atoms


def _intervals(value, path=""):
    if isinstance(value, dict):
        if "ci_low" in value and "ci_high" in value:
            yield path, value
        for key, inner in value.items():
            yield from _intervals(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _intervals(inner, f"{path}[{i}]")


def _wave(seed, n, unanimous):
    rng = np.random.default_rng(seed)
    tiers, regions = ["enrolled", "advanced", "principal"], ["AMER", "EMEA"]
    rows = []
    for i in range(n):
        score = 10 if unanimous else int(rng.integers(0, 11))
        portal = 5.0 if unanimous else float(rng.integers(1, 6))
        rows.append(respondent(i, score, tier=tiers[i % 3], region=regions[(i // 3) % 2],
                               partner=f"P{i // int(rng.integers(1, 4))}", portal=portal,
                               support=float(rng.integers(1, 6))))
    return frame(rows)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.integers(10, 40), st.booleans())
def test_no_published_interval_has_zero_width_and_every_family_reproduces(seed, n, unanimous):
    now, before = _wave(seed, n, unanimous), _wave(seed + 1, n, False)
    doc = build_scorecard(WaveData("w2", now), SPECS, "tier,region,tier:region", previous=WaveData("w1", before),
                          threshold=5, min_partners=3, drivers=[])
    plan_jointly([View("all", doc)], _atoms(now), threshold=5, min_partners=3)
    for path, interval in _intervals({k: v for k, v in doc.items() if k != "drivers"}):
        if interval.get("ci_low") is None:
            continue
        assert interval["ci_high"] > interval["ci_low"], (path, interval)
    families: dict[str, list] = {}
    for test in _tests(doc):
        assert test["p"] is not None, test  # a published test always has its p-value
        families.setdefault(test["family"], []).append(test)
    assert doc["tests"]["family_sizes"] == {name: len(tests) for name, tests in sorted(families.items())}
    for tests in families.values():
        adjusted = stats.benjamini_hochberg([t["p"] for t in tests])
        assert [t["p_adjusted"] for t in tests] == [float(round(a, 6)) for a in adjusted]
