"""Benchmark: the full scorecard for N synthetic responses (default 1,000,000) plus a previous wave.

Reports the time of ``build_scorecard`` (all default breakdowns incl. tier x region and the
multi-valued program/partner-type ones, intervals, FPC from invitations, segment-vs-rest and
wave-over-wave tests, drivers per tier) against a simple reference implementation run in the
same process (boolean mask per segment, NPS/top-2-box/mean recomputed from raw columns for
every segment, no comparisons or drivers), and the peak resident memory.

    .venv/bin/python benchmarks/bench_analysis_scorecard.py [--n 1000000]
"""
from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis.frame import question_specs
from analysis.scorecard import WaveData, build_scorecard

ROOT = Path(__file__).resolve().parents[1]
TIERS, REGIONS = ["enrolled", "advanced", "principal"], ["AMER", "EMEA", "APJ", "LATAM"]
PROGRAMS = ["technical_assessment", "proof_of_concept", "partner_to_partner", "partner_connect"]


def synthetic(n: int, specs, seed: int, wave: str) -> WaveData:
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


def reference(frame: pd.DataFrame, specs) -> list:
    """The simple way: one boolean mask per segment, statistics recomputed from raw columns."""
    out = []
    ratings = [s for s in specs if s.type == "rating"]
    nps_id = next(s.id for s in specs if s.type == "nps")
    exploded_programs = frame["programs"].map(set)
    types = frame["partner_types"].map(set)
    masks = {}
    for tier in TIERS:
        masks[("tier", tier)] = frame["tier"] == tier
    for region in REGIONS:
        masks[("region", region)] = frame["region"] == region
    for value in ("yes", "no"):
        masks[("transacting", value)] = frame["transacting"] == value
    for program in PROGRAMS:
        masks[("program", program)] = exploded_programs.map(lambda s, p=program: p in s)
    for kind in ("reseller", "msp"):
        masks[("partner_type", kind)] = types.map(lambda s, k=kind: k in s)
    for tier in TIERS:
        for region in REGIONS:
            masks[("tier:region", tier, region)] = (frame["tier"] == tier) & (frame["region"] == region)
    for key, mask in masks.items():
        part = frame[mask]
        scores = part[nps_id].dropna()
        p, d = (scores >= 9).mean(), (scores <= 6).mean()
        row = {"key": key, "n": len(part), "nps": 100 * (p - d),
               "se": 100 * np.sqrt((p + d - (p - d) ** 2) / len(scores))}
        for spec in ratings:
            answered = part[spec.id].dropna()
            row[spec.id] = ((answered >= 4).mean(), answered.mean(), answered.std())
        out.append(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()
    specs = question_specs(yaml.safe_load((ROOT / "examples" / "partner-experience.yaml").read_text()))
    t0 = time.perf_counter()
    current = synthetic(args.n, specs, 1, "w2")
    previous = synthetic(args.n, specs, 2, "w1")
    print(f"generated 2 x {args.n:,} responses in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    doc = build_scorecard(current, specs, previous=previous)
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = reference(current.respondents, specs)
    simple = time.perf_counter() - t0
    t0 = time.perf_counter()
    build_scorecard(current, specs)
    current_only = time.perf_counter() - t0
    cells = sum(len(b["cells"]) for b in doc["breakdowns"])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"build_scorecard: {ours:.2f} s for {cells} cells in {len(doc['breakdowns'])} breakdowns, "
          f"vs-rest and vs-previous tests, drivers for {len(doc['drivers'])} segments (target < 10 s)")
    print(f"reference (mask per segment, current wave only, no tests/drivers/partner views): {simple:.2f} s "
          f"for {len(ref)} segments")
    print(f"build_scorecard on the current wave only (still with vs-rest tests, drivers, partner views): "
          f"{current_only:.2f} s; ratio reference/ours = {simple / current_only:.2f}")
    print(f"peak resident memory of the whole run (incl. data generation): {peak:.2f} GB (target < 3 GB)")
    assert abs(ref[0]["nps"] - next(c for c in doc["breakdowns"][0]["cells"]
                                    if c["segment"]["tier"] == "enrolled")["nps"]["value"]) < 0.06


if __name__ == "__main__":
    main()
