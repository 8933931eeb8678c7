"""Benchmark: full results rebuild vs the time to read the wave's items, on DynamoDB Local.

Seeds a sized demo wave (``pulse_cli.demo.seed_sized``: N submitted responses, N/2 more
invitations, 2,000 partners), then in one process and one run measures:

1. baseline: reading every response and invitation item of the wave through the repositories
   (what any rebuild must read at least);
2. full rebuild (``results.refresh_snapshot``): analysis, comment scoring, snapshot write and
   follow-up creation (one query per status for the existing ones, batch writes for the rest);
3. the same rebuild again (follow-ups exist: nothing to create);
4. live updates (``live_results.apply_changes``, what the stream handler runs) of batches of 1
   and 10 edited responses: its cost should not grow with the wave.

    .venv/bin/python -m benchmarks.bench_rebuild --responses 30000 [--responses 100000 ...] [--in-memory]

Prints seconds and the ratio rebuild / read for each size, plus a linear extrapolation to
1,000,000 responses against Lambda's 15-minute limit. No absolute assertions.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SECRET = "benchmark-secret-0123456789abcdef"
LAMBDA_LIMIT_S = 900


class ParallelPut:
    """Seeding only: split a bulk load over 4 threads (botocore clients are thread-safe)."""

    def __init__(self, repo, workers: int = 4):
        self.repo, self.workers = repo, workers

    def put_many(self, items, *args):
        step = max(1, len(items) // (self.workers * 8))
        chunks = [items[i:i + step] for i in range(0, len(items), step)]
        with ThreadPoolExecutor(self.workers) as pool:
            return sum(pool.map(lambda chunk: self.repo.put_many(chunk, *args), chunks))

    def __getattr__(self, name):
        return getattr(self.repo, name)


def measure(repos, stores, wave_id: str, now, profile: bool = False) -> dict:
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds

    started = time.perf_counter()
    responses = sum(1 for _ in repos.responses.for_wave(wave_id))
    invitations = sum(1 for _ in repos.invitations.for_wave(wave_id))
    read_s = time.perf_counter() - started
    runs = []
    for run in range(2):
        profiler = None
        if profile and run == 0:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        summary = results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups,
                                           wave_id, Thresholds(), 5, now)
        runs.append((time.perf_counter() - started, summary))
        if profiler is not None:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    live = {}
    for batch in (1, 10):
        live[batch] = live_update(repos, stores, wave_id, now, batch)
    return {"responses": responses, "invitations": invitations, "read_s": read_s, "runs": runs, "live": live}


def live_update(repos, stores, wave_id: str, now, batch: int) -> float:
    """Seconds of one live update of ``batch`` edited responses (median of 3 batches)."""
    from dataclasses import replace

    from chalicelib.services import live_results
    from chalicelib.services.snapshot_builder import Thresholds

    chosen = []
    for response in repos.responses.for_wave(wave_id):
        if response.status == "submitted":
            chosen.append(response)
        if len(chosen) >= 3 * batch:
            break
    times = []
    for k in range(3):
        edited = [replace(r, answers={**r.answers, "q_nps": (int(r.answers.get("q_nps", 5)) + 3) % 11},
                          version=r.version + 1) for r in chosen[k * batch:(k + 1) * batch]]
        repos.responses.put_many(edited)
        started = time.perf_counter()
        summary = live_results.apply_changes(repos, stores, {wave_id: {r.invitation_id for r in edited}}, 5, now,
                                             thresholds=Thresholds())
        times.append(time.perf_counter() - started)
        assert summary["updated"] == [wave_id], summary
    return sorted(times)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, action="append", help="wave size (repeatable)")
    parser.add_argument("--partners", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="cProfile the first rebuild (slower)")
    parser.add_argument("--in-memory", action="store_true",
                        help="DynamoDB Local in memory (no SQLite disk writes: seeding 30k+ takes minutes, not hours)")
    args = parser.parse_args()
    sizes = args.responses or [30_000, 100_000]

    from devtools.dynamodb_local import DynamoDBLocal

    print(f"machine load before: {os.getloadavg()[0]:.2f} (1-min load average, {os.cpu_count()} cores); "
          f"DynamoDB Local {'in memory' if args.in_memory else 'on disk'}")
    with tempfile.TemporaryDirectory() as tmp, DynamoDBLocal(Path(tmp), in_memory=args.in_memory) as database:
        os.environ.update({"PULSE_TABLE": "pulse-bench", "PULSE_DYNAMODB_ENDPOINT": database.endpoint,
                           "PULSE_TOKEN_SECRET": SECRET, "PULSE_STAGE": "test", "AWS_ACCESS_KEY_ID": "x",
                           "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"})
        from types import SimpleNamespace

        from chalicelib import wiring
        from pulse_cli.demo import seed_sized

        wiring.reset()
        import functools

        import boto3
        from botocore.config import Config

        # a busy shared machine: DynamoDB Local may take longer than the app's 5 s read timeout
        client = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=database.endpoint,
                              config=Config(retries={"mode": "standard", "total_max_attempts": 8},
                                            read_timeout=120, max_pool_connections=50))
        wiring.dynamodb_client = functools.cache(lambda: client)
        try:
            wiring.table().ensure_exists()
        except Exception:  # noqa: BLE001 - on a busy machine the create call may time out and be retried
            wiring.dynamodb_client().get_waiter("table_exists").wait(TableName="pulse-bench")
        repos, stores = wiring.repositories(), wiring.review_stores()
        now = datetime.now(UTC).replace(microsecond=0)
        rows = []
        for n in sizes:
            wave_id = f"bench-{n}"
            seeding = SimpleNamespace(**{**vars(repos), "invitations": ParallelPut(repos.invitations),
                                         "responses": ParallelPut(repos.responses)})
            started = time.perf_counter()
            seed_sized(seeding, args.partners, n, force=True, now=now, wave_ids=("unused", wave_id),
                       previous_wave=False)
            print(f"seeded {n} responses in {time.perf_counter() - started:.0f} s", flush=True)
            result = measure(repos, stores, wave_id, now, args.profile)
            (first_s, first), (second_s, _) = result["runs"]
            print(f"{n:>8} responses: read {result['read_s']:.1f} s ({result['responses']} responses + "
                  f"{result['invitations']} invitations); full rebuild {first_s:.1f} s "
                  f"({first['followups_created']} follow-ups created, {first['comments']} comments) = "
                  f"{first_s / result['read_s']:.2f}x read; again {second_s:.1f} s = "
                  f"{second_s / result['read_s']:.2f}x read; load now {os.getloadavg()[0]:.2f}", flush=True)
            for batch, seconds in result["live"].items():
                print(f"{n:>8} responses: live update of {batch} changed response(s) {seconds:.2f} s = "
                      f"{seconds / result['read_s']:.4f}x read", flush=True)
            rows.append((n, result["read_s"], first_s))
        n, read_s, rebuild_s = rows[-1]
        factor = 1_000_000 / n
        print(f"extrapolated to 1,000,000 responses (linear from {n}): read {read_s * factor:.0f} s, "
              f"rebuild {rebuild_s * factor:.0f} s vs Lambda's {LAMBDA_LIMIT_S} s limit "
              f"({'within' if rebuild_s * factor < LAMBDA_LIMIT_S else 'beyond'} one invocation)")


if __name__ == "__main__":
    main()
