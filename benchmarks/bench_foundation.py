"""Foundation figures: cold import of `app` against `import boto3`, and DynamoDB requests per submission.

Run: .venv/bin/python -m benchmarks.bench_foundation
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7


def cold_import_seconds(statement: str) -> float:
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], cwd=ROOT, check=True)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def requests_per_submission() -> tuple[Counter, Counter]:
    """Count DynamoDB operations of a first (cold) and a second (warm) submission, on moto."""
    os.environ.update(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1")
    sys.path.insert(0, str(ROOT))
    from moto import mock_aws

    from chalicelib.security.tokens import InvitationTokens
    from chalicelib.services.submissions import submit_response
    from tests.builders import NOW, TEST_SECRET, VALID_ANSWERS, given_open_wave, make_partner, token_of
    from tests.conftest import _make_table

    with mock_aws():
        table = _make_table(None)
        tokens = InvitationTokens(TEST_SECRET)
        repos, links = given_open_wave(table, tokens, [make_partner("P1", contacts=2)])
        repos.surveys._versions.clear()  # a fresh process has not read the survey yet
        counts: list[Counter] = []

        def count(model, **_):
            counts[-1][model.name] += 1

        table.client.meta.events.register("before-call.dynamodb.*", count)
        for link in links:
            counts.append(Counter())
            submit_response(repos, tokens, token_of(link), {"answers": VALID_ANSWERS, "language": "en"}, NOW)
        return counts[0], counts[1]


def main() -> None:
    baseline = cold_import_seconds("import boto3")
    app = cold_import_seconds("import app")
    print(f"cold import (median of {RUNS} fresh interpreters)")
    print(f"  import boto3 (baseline): {baseline * 1000:7.0f} ms")
    print(f"  import app:              {app * 1000:7.0f} ms   ratio {app / baseline:.2f}x")
    cold, warm = requests_per_submission()
    print("DynamoDB requests per submission")
    print(f"  first in a process: {dict(cold)}")
    print(f"  warm process:       {dict(warm)}")


if __name__ == "__main__":
    main()
