"""Differencing attacks on respondent-level outputs: export rows against published aggregates, the
comment explorer's wide minus narrow filters, and report quotes. Property-based over group sizes and
thresholds; sizes are recounted from the generated records, never taken from the outputs.
"""
from dataclasses import dataclass, field

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from analysis.scorecard import WaveData, build_scorecard
from chalicelib.services import disclosure, exports

from .builders import SPECS, frame, respondent

TIERS, REGIONS = ["enrolled", "advanced", "principal"], ["AMER", "EMEA", "LATAM"]
PROGRAMS = ["technical_assessment", "proof_of_concept"]
QUICK = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow],
             phases=[Phase.explicit, Phase.reuse, Phase.generate])


@dataclass
class Record:  # the fields of a stored Response that the export reads
    invitation_id: str
    partner_id: str
    partner: dict
    answers: dict
    status: str = "submitted"
    language: str = "en"
    submitted_at: str = "2026-01-01T00:00:00Z"
    extra: dict = field(default_factory=dict)


class Everyone:
    role = "analyst"

    def admits(self, attributes):
        return True


def _people(sizes, seed):
    rng = np.random.default_rng(seed)
    people = []
    for (tier, region), size in zip([(t, r) for t in TIERS for r in REGIONS], sizes, strict=True):
        for _ in range(size):
            i = len(people)
            people.append({"i": i, "tier": tier, "region": region, "nps": int(rng.integers(0, 11)),
                           "programs": (PROGRAMS[int(rng.integers(0, 2))],)})
    return people


def _in(person, segment):
    return all((label in person["programs"]) if dim == "program" else person[dim] == label
               for dim, label in segment.items())


sizes = st.lists(st.integers(min_value=0, max_value=12), min_size=9, max_size=9)


@settings(max_examples=60, **QUICK)
@given(sizes, st.integers(min_value=2, max_value=10), st.integers(min_value=0, max_value=10_000))
def test_export_rows_never_let_a_published_aggregate_reveal_a_small_group(cell_sizes, threshold, seed):
    people = _people(cell_sizes, seed)
    if not people:
        return
    data = frame([respondent(p["i"], p["nps"], tier=p["tier"], region=p["region"], programs=p["programs"])
                  for p in people])
    doc = build_scorecard(WaveData("w", data), SPECS, "tier,region,program,tier:region", threshold=threshold)
    records = [Record(f"r{p['i']}", f"P{p['i']}", {"tier": p["tier"], "region": p["region"],
                                                 "programs": list(p["programs"])}, {"q_nps": p["nps"]})
               for p in people]
    questions = [type("Q", (), {"id": "q_nps", "type": "nps"})()]
    _, rows = exports.response_rows(records, questions, [], Everyone(), threshold, 8,
                                    plan=disclosure.RowPlan(doc))
    # the export is de-identified (aggregate survey): recover people by their attributes instead
    assert all(r[0] == "" and r[1] == "" for r in rows)
    shown = _match_rows(people, rows)
    published = [doc["overall"]] + [c for b in doc["breakdowns"] for c in b["cells"] if not c["suppressed"]]
    for aggregate in published:
        if aggregate.get("nps") == "suppressed":
            continue
        members = [p for p in people if _in(p, aggregate.get("segment") or {})]
        residual = len(members) - sum(1 for p in members if p["i"] in shown)
        # aggregate minus the exported rows of its group: nothing, or a group at least the threshold
        assert residual == 0 or residual >= threshold, (aggregate.get("segment"), residual)


def _match_rows(people, rows):
    """Which people were exported: rows keep tier, region and programs, matched in order."""
    pool = {}
    for p in people:
        pool.setdefault((p["tier"], p["region"], p["programs"]), []).append(p["i"])
    shown = set()
    for row in rows:
        key = (row[2], row[3], tuple(row[6]))
        shown.add(pool[key].pop(0))
    return shown


comment_sizes = st.lists(st.integers(min_value=0, max_value=9), min_size=12, max_size=12)


@settings(max_examples=60, **QUICK)
@given(comment_sizes, st.integers(min_value=3, max_value=10), st.integers(min_value=0, max_value=10_000))
def test_explorer_filters_never_isolate_a_small_group_and_withhold_fewer_than_the_threshold(group_sizes, threshold,
                                                                                            seed):
    from chalicelib.services.comment_disclosure import coarsened, label_plan

    rng = np.random.default_rng(seed)
    comments = []
    combos = [(t, r, q) for t in TIERS[:2] for r in REGIONS for q in ("q_why", "q_fix")]
    for (tier, region, question), size in zip(combos, group_sizes, strict=True):
        for _ in range(size):
            n = len(comments)
            comments.append({"id": f"c{n}", "invitation_id": f"i{n}", "partner_id": f"p{n}", "tier": tier,
                             "region": region, "question_id": question, "partner_types": ["reseller"],
                             "programs": [PROGRAMS[int(rng.integers(0, 2))]]})
    plan = label_plan(comments, threshold)
    listed = {c["id"]: coarsened(c, plan) for c in comments if c["id"] not in plan.withheld}
    filters = [("tier", "tier"), ("region", "region"), ("question", "question_id"), ("program", "programs")]

    def match(c, chosen):
        return all(key in c and ((value in c[key]) if isinstance(c[key], list) else c[key] == value)
                   for key, value in chosen)

    values = {key: sorted({v for c in comments for v in (c[key] if isinstance(c[key], list) else [c[key]])})
              for _, key in filters}
    narrow_filters = [[(k, v)] for _, k in filters for v in values[k]]
    narrow_filters += [[(k1, v1), (k2, v2)] for i, (_, k1) in enumerate(filters) for _, k2 in filters[i + 1:]
                       for v1 in values[k1] for v2 in values[k2]]
    for chosen in narrow_filters:
        group = [c for c in comments if match(c, chosen)]
        visible = [c for c in listed.values() if match(c, chosen)]
        # a filter lists nothing or a crowd; a small group is never what a filter (or two) lists
        assert visible == [] or len(visible) >= threshold, chosen
        if 0 < len(group) < threshold:
            assert visible == [], chosen
    # only one group is ever withheld, the one left too small with no label and nothing to borrow
    assert len(plan.withheld) < threshold


def test_report_quotes_come_only_from_themes_at_or_above_the_comment_threshold():
    from chalicelib.reports.model import themes_for

    comments = {"q_why": {"segments": [{"segment": "advanced", "suppressed": False, "themes": [
        {"theme": "payouts", "label": "Payouts", "comments": 3, "mean_polarity": -0.4, "negative": 3,
         "positive": 0, "examples": ["late payout again"]}]}]},
        "q_fix": {"segments": [{"segment": "advanced", "suppressed": False, "themes": [
            {"theme": "payouts", "label": "Payouts", "comments": 6, "mean_polarity": -0.2, "negative": 4,
             "positive": 1, "examples": ["fix payouts"]}]}]}}
    merged = themes_for(comments, "advanced", comment_threshold=8)
    payouts = merged["themes"][0]
    assert payouts["comments"] == 9
    # 9 comments in all, but each question's theme is below 8: no quote may stand for 3 or 6 people
    assert payouts["quotes"] == []
    assert payouts["sentiment"] == "negative"  # 7 of 9 labelled negative: the tone follows the labels
