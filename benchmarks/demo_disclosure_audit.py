"""Cross-scope disclosure on the demo (issue 21): withheld values the union of all views determines.

For thresholds 5, 10 and 20 (partner threshold 3), builds every view the snapshot publishes (the
whole wave and each tier and region scope, with the previous wave for comparisons), then runs the
linear-closure audit (``analysis.disclosure.audit``) twice: on the views as each plans itself
alone (the behaviour before the joint plan) and after ``plan_jointly``. Also counts zero-width
intervals and published values (what protection costs). A count, not a timing.

Usage: .venv/bin/python benchmarks/demo_disclosure_audit.py
"""
from __future__ import annotations

import copy
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

BREAKDOWNS = "tier,region,partner_type,transacting,program,tier:region"


def views_of(wave, previous, specs, threshold, partners):
    from analysis.disclosure import View
    from analysis.scorecard import WaveData, build_scorecard

    def part(data, dim, value):
        if data is None:
            return None
        rows = data.respondents[data.respondents[dim] == value]
        invitations = None if data.invitations is None else data.invitations[data.invitations[dim] == value]
        return WaveData(data.wave_id, rows, invitations, data.meta)

    out = [View("all", build_scorecard(wave, specs, BREAKDOWNS, previous=previous, threshold=threshold,
                                       min_partners=partners, drivers=[]))]
    for dim in ("region", "tier"):
        for value in sorted(wave.respondents[dim].dropna().unique()):
            doc = build_scorecard(part(wave, dim, value), specs, BREAKDOWNS, previous=part(previous, dim, value),
                                  threshold=threshold, min_partners=partners, drivers=[])
            out.append(View(f"{dim}={value}", doc, (dim, str(value))))
    return out


def zero_width(value) -> int:
    if isinstance(value, dict):
        own = int(value.get("ci_low") is not None and value.get("ci_low") == value.get("ci_high"))
        return own + sum(zero_width(v) for v in value.values())
    if isinstance(value, list):
        return sum(zero_width(v) for v in value)
    return 0


def main() -> None:
    import boto3
    from moto import mock_aws

    from analysis.disclosure import audit, collect, plan_jointly
    from analysis.estimation import wave_atoms
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
        seed_demo(repos, InvitationTokens("x" * 32), "http://127.0.0.1:8000", Path(tmp) / "l.txt", now=now)
        partners = repos.partners.all()
        current, specs, _, _ = load_wave_data(repos, CURRENT_WAVE, partners)
        previous = load_wave_data(repos, PREVIOUS_WAVE, partners)[0]
    specs = [s for s in specs if s.type != "text"]
    nps_id = next(s.id for s in specs if s.type == "nps")
    atoms, previous_atoms = wave_atoms(current, specs, nps_id), wave_atoms(previous, specs, nps_id)
    for threshold in (5, 10, 20):
        views = views_of(current, previous, specs, threshold, 3)
        before_views = views_of(previous, None, specs, threshold, 3)
        alone = audit(collect(views), atoms, threshold, 3)
        alone_previous = audit(collect(before_views, previous_of=views), previous_atoms, threshold, 3)
        joint = [copy.deepcopy(v) for v in views]
        previous_joint = [copy.deepcopy(v) for v in before_views]
        plan_jointly(previous_joint, previous_atoms, threshold, 3)
        plan_jointly(joint, atoms, threshold, 3, previous=collect(previous_joint, union_of_withheld=True))
        after = audit(collect(joint), atoms, threshold, 3)
        after_previous = audit(collect(previous_joint, previous_of=joint), previous_atoms, threshold, 3)
        items = collect(joint)
        published = sum(len(v) for v in items.published.values())
        withheld = sum(len(v) for v in items.withheld.values())
        print(f"threshold {threshold:>2}: determinable withheld values, each view planned alone: "
              f"{len(alone)} (previous wave {len(alone_previous)}); planned jointly: {len(after)} "
              f"(previous wave {len(after_previous)}); {published} published and {withheld} withheld "
              f"segment x statistic values over {len(joint)} views; zero-width intervals "
              f"{sum(zero_width(v.doc) for v in joint)}")


if __name__ == "__main__":
    main()
