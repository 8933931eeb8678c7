"""The full build's speed-up (issue 21) changed no published number: the scorecard of the benchmark's
fixed-seed waves (3,000 + 3,000 responses, ``benchmarks/bench_analysis_scorecard.synthetic``) equals,
to the last digit, the one the code before it (commit 80e319c) built, stored in
``data/scorecard_80e319c_n3000.json`` - point estimates, intervals, tests, suppression and the
seeded driver bootstrap alike.

The fixture was made with the code of 80e319c and this tree's workload:

    git archive 80e319c | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before python tests/analysis/test_scorecard_before_after.py \\
        tests/analysis/data/scorecard_80e319c_n3000.json
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "data" / "scorecard_80e319c_n3000.json"
N = 3000


def _scorecard() -> dict:
    """The scorecard of the fixed-seed waves with whichever ``analysis`` is importable, as JSON."""
    import yaml

    from analysis.frame import question_specs
    from analysis.scorecard import build_scorecard

    bench = importlib.util.spec_from_file_location("bench", HERE.parents[1] / "benchmarks" /
                                                   "bench_analysis_scorecard.py")
    module = importlib.util.module_from_spec(bench)
    bench.loader.exec_module(module)  # this tree's workload, whatever code builds it
    specs = question_specs(yaml.safe_load((HERE.parents[1] / "examples" / "partner-experience.yaml").read_text()))
    doc = build_scorecard(module.synthetic(N, specs, 1, "w2"), specs, previous=module.synthetic(N, specs, 2, "w1"))
    return json.loads(json.dumps(doc, sort_keys=True, default=str))


def test_the_scorecard_equals_the_one_built_before_the_speed_up():
    before = json.loads(FIXTURE.read_text())

    now = _scorecard()

    assert now["overall"] == before["overall"]
    assert now["breakdowns"] == before["breakdowns"]
    assert now["drivers"] == before["drivers"]
    assert now == before
    assert json.dumps(now["breakdowns"]).count(': "suppressed"') > 0  # values withheld: the plan was exercised


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(json.dumps(_scorecard(), sort_keys=True, separators=(",", ":")))
