"""Benchmark: scorecard latency from the results snapshot vs computing it per request.

Runs against DynamoDB Local (the local stack): loads a synthetic wave of N responses (default
100,000) built with the demo generator, refreshes the results snapshot once (timed), then
measures the staff scorecard endpoint through ``chalice.test.Client`` (the real route, auth and
storage code) with a cold and a warm in-process cache, and compares with the baseline that
loads every response and runs the analysis engine for one request.

    .venv/bin/python -m benchmarks.bench_results [--responses 100000] [--repeat 30]
        [--data-dir DIR [--reuse]]   # keep the database; --reuse measures reads on a kept one

Prints figures and ratios against the baseline measured in the same run (no absolute
assertions; machines differ).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WAVE = "bench-wave"
SECRET = "benchmark-secret-0123456789abcdef"


def seed(repos, n: int, now: datetime) -> None:
    import yaml

    from chalicelib.domain.responses import Invitation
    from chalicelib.domain.waves import OPEN, Wave, iso
    from chalicelib.services.catalogue import publish_survey
    from pulse_cli.demo import _respond, make_partners

    rng = random.Random(7)
    definition = yaml.safe_load((ROOT / "examples" / "partner-experience.yaml").read_text("utf-8"))
    survey, _ = publish_survey(repos, definition, now)
    partners = make_partners(rng)
    repos.partners.put_many(partners, iso(now))
    wave = Wave(WAVE, survey.id, survey.version, OPEN, iso(now - timedelta(days=10)), iso(now + timedelta(days=30)))
    repos.waves.add(wave)
    invitations, responses = [], []
    for i in range(n):
        partner = partners[i % len(partners)]
        invitation = Invitation(f"inv{i:07d}", WAVE, partner.partner_id, f"c{i}", "en", iso(now), "submitted")
        invitations.append(invitation)
        responses.append(_respond(rng, partner, invitation, survey, wave, now, rng.uniform(2, 9), False))
    extra = [replace(inv, invitation_id=f"x{inv.invitation_id}", state="sent") for inv in invitations[: n // 3]]
    started = time.perf_counter()
    repos.invitations.put_many(invitations + extra)
    repos.responses.put_many(responses)
    print(f"seeded {n} responses, {len(invitations) + len(extra)} invitations in "
          f"{time.perf_counter() - started:.1f} s")


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--data-dir", type=Path, default=None, help="DynamoDB Local folder to keep")
    parser.add_argument("--reuse", action="store_true", help="the data dir already holds the seeded wave "
                        "and its snapshot: only measure reads and the baseline")
    args = parser.parse_args()

    from devtools.dynamodb_local import DynamoDBLocal

    with tempfile.TemporaryDirectory() as tmp, DynamoDBLocal(args.data_dir or Path(tmp)) as database:
        os.environ.update({"PULSE_TABLE": "pulse-bench", "PULSE_DYNAMODB_ENDPOINT": database.endpoint,
                           "PULSE_TOKEN_SECRET": SECRET, "PULSE_STAGE": "test", "AWS_ACCESS_KEY_ID": "x",
                           "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"})
        from chalice.test import Client

        from app import app
        from chalicelib import wiring
        from chalicelib.services import results
        from chalicelib.services.snapshot_builder import Thresholds, load_wave_data

        wiring.reset()
        wiring.table().ensure_exists()
        repos, stores = wiring.repositories(), wiring.review_stores()
        now = datetime.now(UTC).replace(microsecond=0)
        if not args.reuse:
            seed(repos, args.responses, now)
            started = time.perf_counter()
            summary = results.refresh_snapshot(repos, stores.snapshots, stores.corrections, stores.followups,
                                               WAVE, Thresholds(), 5, now)
            refresh_s = time.perf_counter() - started
            print(f"snapshot refresh: {refresh_s:.1f} s ({summary['comments']} comments, {summary['parts']} "
                  f"parts, {summary['followups_created']} follow-ups created)", flush=True)

        token = wiring.staff_tokens().issue("bench", "analyst")
        path = f"/api/v1/staff/waves/{WAVE}/scorecard"
        with Client(app, stage_name="test") as client:
            def cold():
                results.clear_cache()
                assert client.http.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 200

            def warm():
                assert client.http.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 200

            cold_ms, warm_ms = timed(cold, args.repeat), timed(warm, args.repeat)

        def baseline():
            from analysis.scorecard import build_scorecard

            data, specs, _, _ = load_wave_data(repos, WAVE, repos.partners.all())
            build_scorecard(data, specs, "tier,region,partner_type,program,tier:region", threshold=5)

        p50c, p50w = statistics.median(cold_ms), statistics.median(warm_ms)
        p95c = sorted(cold_ms)[int(0.95 * (len(cold_ms) - 1))]
        print(f"scorecard from snapshot, cold cache: p50 {p50c:.1f} ms, p95 {p95c:.1f} ms", flush=True)
        print(f"scorecard from snapshot, warm cache: p50 {p50w:.1f} ms", flush=True)
        base_ms = timed(baseline, 1)[0]
        print(f"baseline (load {args.responses} responses + compute per request): {base_ms:.0f} ms")
        print(f"ratio baseline / snapshot (cold p50): {base_ms / p50c:.0f}x")


if __name__ == "__main__":
    main()
