"""Cold-start cost of the previous wave's joint plan on the demo (issue 21).

Every live update derives the published parts (``wave_state.derived_parts``) with the previous
wave's plan (``wave_state._previous_plan``: the previous wave's scorecard for the whole wave and
each scope, planned jointly). A process keeps it once computed; a fresh one (a cold Lambda) builds
it first, unless the state holds it (``previous["plan"]``, issue 21: written by the full build).
Prints the previous plan alone and one live republish in three cases - a cold process without the
stored plan (as before), a cold process reading it from the state, a warm process - each the
median of ``--repeat`` runs, with the load average.

Usage: .venv/bin/python benchmarks/demo_previous_plan.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
for name, value in {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo",
                    "AWS_DEFAULT_REGION": "us-east-1"}.items():
    os.environ.setdefault(name, value)


def _median(prepare, fn, repeat: int) -> float:
    """Median wall time of ``fn(prepare())`` (the preparation not timed)."""
    times = []
    for _ in range(repeat):
        given = prepare()
        started = time.perf_counter()
        fn(given)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    import boto3
    from moto import mock_aws

    from chalicelib.security.tokens import InvitationTokens
    from chalicelib.services import wave_state
    from chalicelib.services.snapshot_builder import (
        BREAKDOWNS,
        Thresholds,
        build_snapshot_parts,
        republish,
        scored_specs,
        survey_of,
    )
    from chalicelib.storage.table import DynamoTable
    from pulse_cli.demo import CURRENT_WAVE, seed_demo
    from tests.builders import make_repositories

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    thresholds = Thresholds()
    with mock_aws(), tempfile.TemporaryDirectory() as tmp:
        table = DynamoTable(boto3.client("dynamodb", region_name="us-east-1"), "demo")
        table.ensure_exists()
        repos = make_repositories(table)
        seed_demo(repos, InvitationTokens("x" * 32), "http://127.0.0.1:8000", Path(tmp) / "l.txt", now=now)
        parts, _, _ = build_snapshot_parts(repos, CURRENT_WAVE, {}, thresholds)
        state = parts[wave_state.STATE_PART]
        specs, _ = scored_specs(survey_of(repos, CURRENT_WAVE))
        previous = state["previous"]
        before = wave_state._wave_data(previous["wave_id"], previous["atoms"], previous["invitations"])
        scopes = len(wave_state.scope_names(before.atoms))

        def given(cold: bool, stored: bool):
            def prepare() -> dict:
                entry = copy.deepcopy(state)
                if not stored:
                    entry["previous"].pop("plan", None)
                if cold:
                    wave_state._PREVIOUS_PLANS.clear()
                return entry
            return prepare

        def run(whole: bool):
            def timed(entry: dict) -> None:
                if whole:
                    republish(repos, CURRENT_WAVE, entry, specs, thresholds, None)
                else:
                    wave_state._previous_plan(entry["previous"], before, specs, BREAKDOWNS, thresholds)
            return timed

        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        print(f"demo, previous wave {previous['wave_id']}: {len(previous['atoms']['rows'])} atoms, "
              f"{1 + scopes} scorecards in its plan; median of {repeat}, load average {load}")
        for whole, what in ((False, "previous plan"), (True, "live republish")):
            cold = _median(given(True, False), run(whole), repeat)
            read = _median(given(True, True), run(whole), repeat)
            warm = _median(given(False, True), run(whole), repeat)
            print(f"{what}: cold process, no stored plan {cold:.2f} s; cold process, plan read from the state "
                  f"{read:.2f} s; warm process {warm:.2f} s")


if __name__ == "__main__":
    main()
