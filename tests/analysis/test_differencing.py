"""Differencing attacks on the scorecard: every known subtraction over generated small groups.

For generated waves (hypothesis over cell sizes, answer rates and thresholds) an attacker holding the
published document tries: margin minus published siblings, comparison ``other`` + ``difference``,
previous-wave values, and per-question comparisons of cells whose question is hidden. None may
recover a value the plan withholds. Sizes are recounted from the raw frame, not from the document.
"""
import numpy as np
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from analysis.scorecard import WaveData, build_scorecard
from analysis.suppression import MARKER

from .builders import SPECS, frame, respondent

TIERS, REGIONS = ["enrolled", "advanced", "principal"], ["AMER", "EMEA", "LATAM"]
RATINGS = [s.id for s in SPECS if s.type == "rating"]


def _wave(sizes, answer_rate, seed, wave_id):
    rng = np.random.default_rng(seed)
    rows, i = [], 0
    for (tier, region), size in zip([(t, r) for t in TIERS for r in REGIONS], sizes, strict=True):
        for _ in range(size):
            portal = float(rng.integers(1, 6)) if rng.random() < answer_rate else float("nan")
            rows.append(respondent(i, int(rng.integers(0, 11)), tier=tier, region=region, partner=f"P{i // 2}",
                                   portal=portal, support=float(rng.integers(1, 6))))
            i += 1
    return frame(rows) if rows else frame([respondent(0, 5)]).iloc[0:0]


def _members(data, segment):
    mask = np.ones(len(data), dtype=bool)
    for dim, label in segment.items():
        mask &= (data[dim] == label).to_numpy()
    return data[mask]


def _answers(data, question):
    column = "q_nps" if question == "nps" else question
    return int(data[column].notna().sum())


def _value(cell, question):
    if question == "nps":
        return cell["nps"]
    return cell["csat"].get(question, MARKER) if cell["csat"] != MARKER else MARKER


def _tests_of(comparison):
    if not isinstance(comparison, dict):
        return []
    out = [("nps", comparison.get("nps"))] if "nps" in comparison else []
    return out + list((comparison.get("csat_top2") or {}).items())


sizes = st.lists(st.integers(min_value=0, max_value=14), min_size=9, max_size=9)


# a question's plan inherits a hidden cell whose line has no other answers: the margin must go too
@example([3, 5, 13, 4, 12, 9, 3, 3, 12], [3, 5, 13, 4, 3, 9, 3, 5, 12], 7, 0.516881954279725, 5864)
# ... and the whole one-dimension table is that one hidden margin: the overall value must go too
@example([1, 14, 0, 0, 0, 0, 0, 0, 0], [0] * 9, 2, 0.1, 0)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # shrinking a scorecard is slow
@given(sizes, sizes, st.integers(min_value=2, max_value=12), st.floats(min_value=0.1, max_value=1.0),
       st.integers(min_value=0, max_value=10_000))
def test_no_subtraction_recovers_a_withheld_value(now_sizes, before_sizes, threshold, answer_rate, seed):
    current, previous = _wave(now_sizes, answer_rate, seed, "w2"), _wave(before_sizes, answer_rate, seed + 1, "w1")
    doc = build_scorecard(WaveData("w2", current), SPECS, "tier,region,tier:region",
                          previous=WaveData("w1", previous), threshold=threshold)
    questions = ["nps", *RATINGS]
    tables = {tuple(b["by"]): b["cells"] for b in doc["breakdowns"]}

    for by, cells in [((), [doc["overall"]]), *tables.items()]:
        for cell in cells:
            segment = cell.get("segment") or {}
            here, before = _members(current, segment), _members(previous, segment)
            rest = current.drop(index=here.index)
            # 1. other + difference: a published comparison needs both sides published and large enough
            for question, test in _tests_of(cell.get("vs_rest")):
                if test == MARKER or test is None:
                    continue
                assert _value(cell, question) != MARKER, (by, segment, question, "vs_rest of a hidden value")
                assert _answers(here, question) >= threshold and _answers(rest, question) >= threshold
            # 2. previous-wave values: both waves' sides must clear the threshold
            for question, test in _tests_of(cell.get("vs_previous")):
                if test == MARKER or test is None:
                    continue
                assert _value(cell, question) != MARKER, (by, segment, question, "vs_previous of a hidden value")
                assert _answers(here, question) >= threshold and _answers(before, question) >= threshold
            # a hidden cell publishes nothing at all
            if cell.get("suppressed") and by:
                assert cell["vs_rest"] == MARKER and cell["vs_previous"] in (MARKER, None)

    # 3. margin minus published siblings: no line with a published margin hides exactly one
    #    answered cell, per question
    def lines():
        for dim in ("tier", "region"):
            yield doc["overall"], tables[(dim,)]
        cross = tables[("tier", "region")]
        for dim in ("tier", "region"):
            for margin in tables[(dim,)]:
                label = margin["segment"][dim]
                yield margin, [c for c in cross if c["segment"][dim] == label]

    for margin, line in lines():
        for question in questions:
            if margin.get("suppressed") or _value(margin, question) == MARKER:
                continue
            hidden = [c for c in line if (c.get("suppressed") or _value(c, question) == MARKER)
                      and _answers(_members(current, c["segment"]), question) > 0]
            assert len(hidden) != 1, (margin.get("segment"), question, [c["segment"] for c in hidden])


def test_a_comparison_of_a_cell_whose_question_is_hidden_is_withheld():
    # principal x LATAM: 6 respondents, one answered the portal question (the example)
    rows = [respondent(i, 9, tier="enrolled", region="AMER") for i in range(40)]
    rows += [respondent(100 + i, 7, tier="principal", region="LATAM", portal=5 if i == 0 else float("nan"))
             for i in range(6)]
    before = [respondent(200 + i, 8, tier="principal", region="LATAM", portal=4 if i < 2 else float("nan"))
              for i in range(6)] + [respondent(300 + i, 9, tier="enrolled", region="AMER") for i in range(40)]
    doc = build_scorecard(WaveData("w2", frame(rows)), SPECS, "tier", previous=WaveData("w1", frame(before)),
                          threshold=5)
    principal = next(c for c in doc["breakdowns"][0]["cells"] if c["segment"]["tier"] == "principal")
    assert principal["suppressed"] is False and principal["csat"]["q_portal"] == MARKER
    assert principal["vs_rest"]["csat_top2"]["q_portal"] == MARKER
    assert principal["vs_previous"]["csat_top2"]["q_portal"] == MARKER
    assert isinstance(principal["vs_rest"]["nps"], dict)  # the NPS has six answers: published


def test_significance_flags_do_not_depend_on_the_breakdowns_asked_for():
    rng = np.random.default_rng(3)
    rows = [respondent(i, int(rng.integers(0, 11)) if i % 3 else 10, tier=TIERS[i % 3], region=REGIONS[i % 2],
                       programs=(("proof_of_concept",) if i % 4 else ("technical_assessment",)))
            for i in range(300)]
    wide = build_scorecard(WaveData("w", frame(rows)), SPECS, "tier,region,program,tier:region")
    narrow = build_scorecard(WaveData("w", frame(rows)), SPECS, "tier")
    assert wide["breakdowns"][0]["cells"] == narrow["breakdowns"][0]["cells"]
    assert narrow["tests"]["family"] == wide["tests"]["family"]
