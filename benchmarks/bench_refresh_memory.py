"""Benchmark: peak memory of a wave's first full refresh, without and with the sentence encoder loaded.

The functions that rebuild snapshots and score comments (``refresh_results``, ``refresh_wave``,
``results_stream``; 2048 MB, 1536 MB before a 100k wave was measured here at 1,540 MiB). This
measures what the first refresh of a wave (every comment scored) holds, in a fresh process per case,
on DynamoDB Local in memory (seeded by the parent with ``pulse_cli.demo.seed_sized``, one wave per
case so each refresh is a first one):

1. ``refresh``: ``results.refresh_snapshot`` alone (with a model file whose models use no encoder,
   the encoder is never loaded; since the Spanish model reads it, Spanish comments load it);
2. ``encoder+refresh``: the same after ``analysis.sentence_encoder.encode`` has encoded as many
   Spanish comments as the wave has (the encoder then stays loaded, as in a function whose model
   uses it; the (N, dimensions) output is transient, as in scoring).

Prints each peak RSS (``resource.getrusage``) and the load average. No absolute assertions.

    .venv/bin/python -m benchmarks.bench_refresh_memory [--responses 10000 ...]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CASES = ("refresh", "encoder+refresh")


def run_case(case: str, wave_id: str, now: str) -> dict:
    """One first refresh of ``wave_id`` in this process (a fresh interpreter); peak RSS in MiB."""
    import resource

    from chalicelib import wiring
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds

    repos, stores = wiring.repositories(), wiring.review_stores()
    comments = 0
    if case.startswith("encoder"):  # analysis.sentence_encoder keeps the encoder for the process's life
        from analysis import sentence_encoder
        from benchmarks.bench_encoder_memory import spanish_comments

        count = sum(1 for r in repos.responses.for_wave(wave_id) if r.status == "submitted")
        comments = len(sentence_encoder.encode(spanish_comments(count)))
    started = time.perf_counter()
    summary = results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups,
                                       wave_id, Thresholds(), 5, datetime.fromisoformat(now))
    return {"case": case, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "refresh_s": time.perf_counter() - started, "comments": summary["comments"], "encoded": comments}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, action="append", help="wave size (repeatable)")
    parser.add_argument("--partners", type=int, default=2000)
    parser.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--wave", help=argparse.SUPPRESS)
    parser.add_argument("--now", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.wave, args.now)))
        return

    from types import SimpleNamespace

    from benchmarks.bench_rebuild import SECRET, ParallelPut
    from devtools.dynamodb_local import DynamoDBLocal

    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores); DynamoDB Local in memory")
    with tempfile.TemporaryDirectory() as tmp, DynamoDBLocal(Path(tmp), in_memory=True) as database:
        env = {"PULSE_TABLE": "pulse-bench", "PULSE_DYNAMODB_ENDPOINT": database.endpoint,
               "PULSE_TOKEN_SECRET": SECRET, "PULSE_STAGE": "test", "AWS_ACCESS_KEY_ID": "x",
               "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"}
        os.environ.update(env)
        from chalicelib import wiring
        from pulse_cli.demo import seed_sized

        wiring.reset()
        wiring.table().ensure_exists()
        repos = wiring.repositories()
        now = datetime.now(UTC).replace(microsecond=0)
        seeding = SimpleNamespace(**{**vars(repos), "invitations": ParallelPut(repos.invitations),
                                     "responses": ParallelPut(repos.responses)})
        child_env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
        for n in args.responses or [10_000]:
            for case in CASES:
                wave_id = f"bench-{n}-{case.replace('+', '-')}"
                seed_sized(seeding, args.partners, n, force=True, now=now, wave_ids=("unused", wave_id),
                           previous_wave=False)
                output = subprocess.run(
                    [sys.executable, "-m", "benchmarks.bench_refresh_memory", "--case", case, "--wave", wave_id,
                     "--now", now.isoformat()], capture_output=True, text=True, env=child_env, cwd=ROOT, check=True)
                result = json.loads(output.stdout.strip().splitlines()[-1])
                print(f"{n:>8} responses, {case:>15}: peak RSS {result['peak_mib']:7.1f} MiB; refresh "
                      f"{result['refresh_s']:.1f} s, {result['comments']} comments scored"
                      + (f", {result['encoded']} encoded first" if result["encoded"] else "")
                      + f"; load {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
