"""Benchmark: the full scorecard of N synthetic responses (default 1,000,000) plus a previous wave of N.

``build_scorecard`` with all default breakdowns incl. tier x region and the multi-valued program and
partner-type ones, intervals, FPC from 1.25 N invitations, segment-vs-rest and wave-over-wave tests
and drivers (13 segments, partner bootstrap). Each build runs in its own process (``--worker``),
so wall time, CPU time and peak resident memory are per build. ``--baseline-rev REV`` also runs the
same workload on the code of a git revision (``git archive`` into a temporary directory) in the same
run, and prints both, the ratios, and whether the two scorecards are identical (SHA-256 of the JSON).

    .venv/bin/python benchmarks/bench_analysis_scorecard.py [--n 1000000] [--baseline-rev 80e319c]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
TIERS, REGIONS = ["enrolled", "advanced", "principal"], ["AMER", "EMEA", "APJ", "LATAM"]
PROGRAMS = ["technical_assessment", "proof_of_concept", "partner_to_partner", "partner_connect"]


def synthetic(n: int, specs, seed: int, wave: str):
    """A wave of ``n`` responses from n/3 partners (``WaveData``) with 1.25 n invitations."""
    from analysis.scorecard import WaveData

    rng = np.random.default_rng(seed)
    partners = max(n // 3, 1)
    partner_idx = rng.integers(0, partners, n)
    tier_of = rng.choice(TIERS, partners, p=[0.6, 0.3, 0.1])
    region_of = rng.choice(REGIONS, partners)
    revenue_of = rng.pareto(1.16, partners) * 50_000 + 10_000
    combos = [(), ("proof_of_concept",), ("technical_assessment", "proof_of_concept"), ("partner_to_partner",),
              ("partner_connect", "technical_assessment")]
    program_of = rng.integers(0, len(combos), partners)
    frame = pd.DataFrame({
        "response_id": np.arange(n), "partner_id": partner_idx,
        "tier": tier_of[partner_idx], "region": region_of[partner_idx],
        "country": "DE", "partner_types": pd.Series([("reseller",), ("reseller", "msp")])[partner_idx % 2].to_numpy(),
        "transacting": np.where(partner_idx % 3 == 0, "no", "yes"), "annual_revenue": revenue_of[partner_idx],
        "revenue_band": "x", "programs": pd.Series(combos, dtype=object)[program_of[partner_idx]].to_numpy(),
    })
    latent = rng.normal(size=n)
    for spec in specs:
        if spec.type == "nps":
            frame[spec.id] = np.clip(np.round(7.5 + 1.6 * latent + rng.normal(0, 1.2, n)), 0, 10)
        elif spec.type == "rating":
            values = np.clip(np.round(3.6 + 0.7 * latent + rng.normal(0, 0.8, n)), 1, 5)
            if spec.program:
                values[rng.random(n) < 0.5] = np.nan
            frame[spec.id] = values
        elif spec.type == "single_choice":
            frame[spec.id] = rng.choice(list(spec.options), n)
        elif spec.type == "multi_choice":
            frame[spec.id] = pd.Series(combos, dtype=object)[rng.integers(0, len(combos), n)].to_numpy()
    invited = pd.DataFrame({"invitation_id": np.arange(int(n * 1.25)),
                            "partner_id": rng.integers(0, partners, int(n * 1.25))})
    invited = invited.assign(tier=tier_of[invited["partner_id"]], region=region_of[invited["partner_id"]],
                             country="DE", transacting=np.where(invited["partner_id"] % 3 == 0, "no", "yes"),
                             annual_revenue=revenue_of[invited["partner_id"]], revenue_band="x",
                             partner_types=pd.Series([("reseller",), ("reseller", "msp")])[
                                 invited["partner_id"] % 2].to_numpy(),
                             programs=pd.Series(combos, dtype=object)[program_of[invited["partner_id"]]].to_numpy())
    return WaveData(wave, frame, invited)


def worker(n: int) -> dict:
    """One build in this process: generate both waves, build, measure."""
    from analysis.frame import question_specs
    from analysis.scorecard import build_scorecard

    specs = question_specs(yaml.safe_load((ROOT / "examples" / "partner-experience.yaml").read_text()))
    current, previous = synthetic(n, specs, 1, "w2"), synthetic(n, specs, 2, "w1")
    generated = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    wall, cpu = time.perf_counter(), time.process_time()
    doc = build_scorecard(current, specs, previous=previous)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    import analysis

    return {"code": str(Path(analysis.__file__).resolve().parents[1]), "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "peak_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024, 2),
            "generated_gb": round(generated, 2), "cells": sum(len(b["cells"]) for b in doc["breakdowns"]),
            "drivers": len(doc["drivers"]),
            "sha256": hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()}


def _baseline():
    """benchmarks.baseline, imported in the parent process only (a worker may run an older tree)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from benchmarks import baseline

    return baseline


def run(code: Path, n: int) -> dict:
    """This script's worker in a fresh process, importing ``analysis`` from ``code``."""
    return _baseline().run_worker(__file__, code, ["--n", str(n)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--baseline-rev", help="also build on the code of this git revision, in the same run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.n)))
        return
    print(f"{args.n:,} + {args.n:,} responses, {int(args.n * 1.25):,} invitations per wave; "
          f"each build in its own process; load average {_baseline().load()}")
    with _baseline().trees(args.baseline_rev) as trees:
        results = {name: run(code, args.n) for name, code in trees}
    for name, r in results.items():
        print(f"{name:>18}: build {r['wall_s']:.2f} s wall, {r['cpu_s']:.2f} s CPU; peak RSS {r['peak_gb']:.2f} GB "
              f"(the two generated waves alone {r['generated_gb']:.2f} GB); {r['cells']} cells, "
              f"{r['drivers']} driver segments")
    print(f"load average after: {_baseline().load()} (targets: 15 s and 3 GB)")
    if len(results) == 2:
        base, ours = results.values()
        print(f"ratio baseline/this: wall {base['wall_s'] / ours['wall_s']:.2f}x, "
              f"CPU {base['cpu_s'] / ours['cpu_s']:.2f}x, "
              f"peak RSS {base['peak_gb'] / ours['peak_gb']:.2f}x; scorecards identical: "
              f"{'yes' if base['sha256'] == ours['sha256'] else 'NO'}")


if __name__ == "__main__":
    main()
