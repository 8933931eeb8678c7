"""Follow-up counts on the demo before and after the rule change (per-program rules).

Seeds the demo into moto, scores the open wave's comments once, and counts the follow-ups
under the old rule (every detractor and every strongly negative comment, promoters included)
and the new default (detractors, and passives with a strongly negative comment).

Usage: .venv/bin/python benchmarks/demo_followup_counts.py
"""
from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
for name, value in {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo",
                    "AWS_DEFAULT_REGION": "us-east-1"}.items():
    os.environ.setdefault(name, value)


def main() -> None:
    import boto3
    from moto import mock_aws

    from chalicelib.security.tokens import InvitationTokens
    from chalicelib.services import followups, snapshot_builder
    from chalicelib.services.followup_rules import DEFAULT_RULES, FollowupRules
    from chalicelib.storage.table import DynamoTable
    from pulse_cli.demo import CURRENT_WAVE, seed_demo
    from tests.builders import make_repositories

    now = datetime(2026, 3, 1, tzinfo=UTC)
    with mock_aws(), tempfile.TemporaryDirectory() as tmp:
        table = DynamoTable(boto3.client("dynamodb", region_name="us-east-1"), "pulse-demo-counts")
        table.ensure_exists()
        repos = make_repositories(table)
        seed_demo(repos, InvitationTokens("demo-secret-0123456789abcdef"), "http://x", Path(tmp) / "l.txt", now=now)
        wave = repos.waves.get(CURRENT_WAVE)
        survey = repos.surveys.get(wave.survey_id, wave.survey_version)
        responses = list(repos.responses.for_wave(CURRENT_WAVE))
        comments = snapshot_builder.score_comments(responses, survey, {})
        partners = {p.partner_id: p for p in repos.partners.all()}
        respondents = sum(r.status == "submitted" for r in responses)
        old = FollowupRules(passives_with_negative_comment=True, promoters_with_negative_comment=True)
        cases = (("before (every strongly negative comment)", old), ("after (default rules)", DEFAULT_RULES))
        for name, rules in cases:
            items = followups.followups_for(responses, comments, partners, "q_nps",
                                            snapshot_builder.is_strongly_negative, 5, now, rules, survey)
            reasons = Counter("+".join(f["reasons"]) for f in items)
            promoters = sum(1 for f in items if isinstance(f["nps"], int) and f["nps"] >= 9)
            print(f"{name}: {len(items)} follow-ups for {respondents} respondents "
                  f"({dict(reasons)}; {promoters} promoters)")


if __name__ == "__main__":
    main()
