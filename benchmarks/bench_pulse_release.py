"""Benchmark: the cost of releasing the transactional results by k (issue 27), against the build alone.

Seeds the demo (relationship waves and its moments) in moto, then times in the same run: the baseline
``build_pulse_results`` (what the hourly rebuild did before), ``publish_pulse_results`` (build + members +
store + release check + released copy), and the release step alone after one edited answer (held).
Prints the size of the stored members (compressed) per response, which bounds how many responses one
release transaction holds (4 MB of 350 KB chunks).

    .venv/bin/python -m benchmarks.bench_pulse_release [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SECRET = "benchmark-secret-0123456789abcdef"


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.update({"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"})
    from moto import mock_aws

    with mock_aws():
        from chalicelib.security.tokens import InvitationTokens
        from chalicelib.services.program import current_program
        from chalicelib.services.pulse_results import build_pulse_results, publish_pulse_results
        from chalicelib.storage.pulses import MEMBERS_KEY, DynamoPulseStore
        from pulse_cli.demo import CURRENT_WAVE, seed_demo
        from pulse_cli.demo_pulses import seed_demo_pulses
        from tests.builders import make_repositories
        from tests.conftest import _make_table

        now = datetime.now(UTC).replace(microsecond=0)
        table = _make_table(None)
        repos = make_repositories(table)
        tokens = InvitationTokens(SECRET)
        seed_demo(repos, tokens, "http://pulse.test", Path(tempfile.mkdtemp()) / "links.txt", now=now)
        store = DynamoPulseStore(table)
        program = current_program(repos)
        print(seed_demo_pulses(repos, store, tokens, program, now, CURRENT_WAVE))
        members: dict = {}
        doc = build_pulse_results(repos, store, program, now, members=members)
        base, _ = timed(lambda: build_pulse_results(repos, store, program, now), args.repeat)
        publish, record = timed(lambda: publish_pulse_results(repos, store, program, now), args.repeat)
        from chalicelib.services.pulse_release import release_pulse_results

        one = dict(members)  # one answer edited: its version moves, so the check finds groups of one
        first = next(i for i, m in one.items() if "event_type" in m)
        one[first] = {**one[first], "version": one[first]["version"] + 1}
        step, held = timed(lambda: release_pulse_results(store, doc, one, now), args.repeat)
        packed = table.get(MEMBERS_KEY[0], f"{MEMBERS_KEY[1]}#0")["members"]
        print(f"responses in the released build: {len(members)}")
        print(f"build only (baseline): {base * 1000:.0f} ms; build + store + release check: {publish * 1000:.0f} ms "
              f"({publish / base:.2f}x); last outcome: {record}")
        print(f"the release step alone (read members, compare, check every shown group, record): "
              f"{step * 1000:.0f} ms = {step / base:.1%} of the build; outcome {held}")
        print(f"members item: {len(packed)} bytes, {len(packed) / max(1, len(members)):.1f} bytes per response "
              f"(~{4_000_000 * max(1, len(members)) // max(1, len(packed)):,} fit in one 4 MB transaction of chunks)")


if __name__ == "__main__":
    main()
