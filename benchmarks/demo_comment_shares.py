"""Share of comments each role can read in the comment explorer on the demo, before and after
issue 21 (coarsen labels instead of hiding comments).

Seeds the demo into moto, scores both waves' comments and counts, per wave:
* before: the comments the old explorer plan listed (``disclosure.hidden_comment_ids`` at the
  comment threshold, for every role);
* after: admin and analyst of an identified survey read every comment; viewers (and every role on
  an ``aggregate`` survey) read what ``comment_disclosure.label_plan`` does not withhold, and how
  many of those keep every label, or lose some; scoped viewers (region) read the comments whose
  published region places them in scope.

Usage: .venv/bin/python benchmarks/demo_comment_shares.py
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


def shares(comments: list[dict], min_comments=8, min_respondents=5, min_partners=3) -> dict:
    """{measure: (readable, total)} for one wave's comment records."""
    from chalicelib.services import disclosure
    from chalicelib.services.comment_disclosure import DROP_ORDER, label_plan

    total = len(comments)
    before = total - len(disclosure.hidden_comment_ids(comments, min_comments))
    plan = label_plan(comments, min_comments, min_respondents, min_partners)
    shown = [c for c in comments if c["id"] not in plan.withheld]
    full = sum(1 for c in shown if len(plan.labels[c["id"]]) == len(DROP_ORDER))
    out = {"before: every role": (before, total), "after: admin, analyst (identified)": (total, total),
           "after: viewer, any role on aggregate (text readable)": (len(shown), total),
           "after: ... of which with every label": (full, total)}
    for region in sorted({c.get("region") for c in comments if c.get("region")}):
        scope = [c for c in comments if c.get("region") == region]
        listed = [c for c in shown if "region" in plan.labels[c["id"]] and c.get("region") == region]
        out[f"after: viewer scoped region={region}"] = (len(listed), len(scope))
    out["labels kept (count of labels: comments)"] = dict(sorted(Counter(len(plan.labels[c["id"]])
                                                                         for c in shown).items()))
    return out


def main() -> None:
    import boto3
    from moto import mock_aws

    from chalicelib.security.tokens import InvitationTokens
    from chalicelib.services import snapshot_builder
    from chalicelib.storage.table import DynamoTable
    from pulse_cli.demo import CURRENT_WAVE, PREVIOUS_WAVE, seed_demo
    from tests.builders import make_repositories

    now = datetime(2026, 3, 1, tzinfo=UTC)
    with mock_aws(), tempfile.TemporaryDirectory() as tmp:
        table = DynamoTable(boto3.client("dynamodb", region_name="us-east-1"), "pulse-demo-shares")
        table.ensure_exists()
        repos = make_repositories(table)
        seed_demo(repos, InvitationTokens("demo-secret-0123456789abcdef"), "http://x", Path(tmp) / "l.txt", now=now)
        for wave_id in (CURRENT_WAVE, PREVIOUS_WAVE):
            wave = repos.waves.get(wave_id)
            survey = repos.surveys.get(wave.survey_id, wave.survey_version)
            comments = snapshot_builder.score_comments(list(repos.responses.for_wave(wave_id)), survey, {})
            print(f"wave {wave_id} ({survey.reporting}, {len(comments)} comments)")
            for name, value in shares(comments).items():
                if isinstance(value, tuple):
                    print(f"  {name}: {value[0]} of {value[1]} ({100 * value[0] / max(value[1], 1):.1f} %)")
                else:
                    print(f"  {name}: {value}")


if __name__ == "__main__":
    main()
