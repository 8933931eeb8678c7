"""The demo wave's confidentiality and weighting figures (issue 12), from the demo seed in moto.

Prints, for suppression thresholds 5, 10 and 20 and the breakdowns tier, region, program and
their crosses: the per-question cells withheld and the comparisons (vs rest, vs previous wave)
still published for a withheld cell (target 0); the overall NPS unweighted and weighted to the
invited tier x region mix, both waves' change, and the design effects (clustering by partner,
weights). A count, not a timing: no baseline needed.

Usage: .venv/bin/python benchmarks/demo_confidentiality.py
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
for name, value in {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo",
                    "AWS_DEFAULT_REGION": "us-east-1"}.items():
    os.environ.setdefault(name, value)

BREAKDOWNS = "tier,region,program,tier:region,tier:program,region:program"
MARKER = "suppressed"


def leaks(doc: dict) -> tuple[int, int]:
    """(withheld per-question cells, comparisons published for them)."""
    hidden = published = 0
    for item in doc["breakdowns"]:
        for cell in item["cells"]:
            questions = {"nps": cell["nps"]} | (cell["csat"] if isinstance(cell["csat"], dict) else {})
            for question, value in questions.items():
                if value != MARKER and not cell["suppressed"]:
                    continue
                hidden += 1
                for key in ("vs_rest", "vs_previous"):
                    comparison = cell.get(key)
                    if not isinstance(comparison, dict):
                        continue
                    test = comparison.get("nps") if question == "nps" else comparison.get("csat_top2", {}).get(question)
                    published += isinstance(test, dict)
    return hidden, published


def main() -> None:
    import boto3
    from moto import mock_aws

    from analysis.scorecard import build_scorecard
    from chalicelib.security.tokens import InvitationTokens
    from chalicelib.services.snapshot_builder import load_wave_data
    from chalicelib.storage.table import DynamoTable
    from pulse_cli.demo import CURRENT_WAVE, PREVIOUS_WAVE, seed_demo
    from tests.builders import make_repositories

    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with mock_aws(), tempfile.TemporaryDirectory() as tmp:
        table = DynamoTable(boto3.client("dynamodb", region_name="us-east-1"), "demo")
        table.ensure_exists()
        repos = make_repositories(table)
        print(seed_demo(repos, InvitationTokens("x" * 32), "http://127.0.0.1:8000", Path(tmp) / "l.txt", now=now))
        partners = repos.partners.all()
        current, specs, _, _ = load_wave_data(repos, CURRENT_WAVE, partners)
        previous = load_wave_data(repos, PREVIOUS_WAVE, partners)[0]
    for threshold in (5, 10, 20):
        doc = build_scorecard(current, specs, BREAKDOWNS, previous=previous, threshold=threshold)
        hidden, published = leaks(doc)
        print(f"threshold {threshold:>2}: {hidden} withheld per-question cells, "
              f"{published} comparisons published for them")
    doc = build_scorecard(current, specs, "tier", previous=previous, threshold=5)
    overall, weighted = doc["overall"], doc["overall"]["weighted"]
    change = overall["vs_previous"]["nps"]
    print(f"overall NPS unweighted {overall['nps']['value']} [{overall['nps']['ci_low']}, "
          f"{overall['nps']['ci_high']}], change vs {PREVIOUS_WAVE} {change['difference']:+} "
          f"(p {change['p']}, cluster design effect {overall['nps']['design_effect']})")
    print(f"overall NPS weighted   {weighted['nps']['value']} [{weighted['nps']['ci_low']}, "
          f"{weighted['nps']['ci_high']}], change {weighted['vs_previous']['difference']:+} "
          f"(p {weighted['vs_previous']['p']}); method: {weighted['method']}; "
          f"design effect of the weights {weighted['design_effect_of_weights']}")
    deffs = [c["nps"]["design_effect"] for b in doc["breakdowns"] for c in b["cells"]
             if isinstance(c["nps"], dict) and c["nps"].get("design_effect")]
    print(f"cluster design effect per tier: {deffs}")


if __name__ == "__main__":
    main()
