"""Benchmark: the comment-summary joint plan on live updates and at release (issue 21).

A synthetic wave of N responses with one comment each (tier, region, label, 0-3 of 10 themes with
their own tone, partner) becomes a wave state (``wave_state.full_state``); then, timed:

- **release**: ``derived_parts`` of a state with nothing pending (restricted readers get a new copy);
- **live update**: one changed response applied (``apply_responses``) and ``derived_parts`` again;
  one change leaves groups under k, so nothing is released.

Before issue 21's change every ``derived_parts`` planned the summaries; after it only a release does.
Each code version runs in its own process (``--baseline-rev REV`` runs the same workload on the code
of a git revision, ``git archive`` into a temporary directory, in the same run), with the load average.

    .venv/bin/python benchmarks/bench_summary_release.py [--n 20000 --n 100000] [--baseline-rev 3c5c278]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
THEMES = ["portal", "payouts", "support", "training", "deal_registration", "marketing_funds", "pricing",
          "certification", "communication", "onboarding"]


def comments_of(respondents, seed: int) -> list[dict]:
    """One comment per respondent: label, 0-3 themes (skewed), each theme's tone mostly the label's."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = len(respondents)
    labels = rng.choice(["positive", "neutral", "negative"], n, p=[0.45, 0.3, 0.25])
    how_many = rng.choice([0, 1, 2, 3], n, p=[0.3, 0.45, 0.2, 0.05])
    weights = 1 / np.arange(1, len(THEMES) + 1)
    weights /= weights.sum()
    out = []
    for i, (inv, partner, tier, region) in enumerate(zip(respondents["response_id"], respondents["partner_id"],
                                                         respondents["tier"], respondents["region"], strict=True)):
        themes = list(rng.choice(THEMES, how_many[i], replace=False, p=weights)) if how_many[i] else []
        tones = {t: labels[i] if rng.random() < 0.8 else str(rng.choice(["positive", "negative"])) for t in themes}
        out.append({"id": f"{inv}.q_comment", "invitation_id": inv, "partner_id": str(partner), "tier": tier,
                    "region": region, "label": str(labels[i]), "themes": [str(t) for t in themes],
                    "theme_labels": {str(t): str(v) for t, v in tones.items()}})
    return out


def worker(n: int) -> dict:
    import yaml

    from analysis.frame import question_specs
    from benchmarks.bench_analysis_scorecard import synthetic
    from chalicelib.services import snapshot_builder, wave_state

    specs = [s for s in question_specs(yaml.safe_load((ROOT / "examples" / "partner-experience.yaml").read_text()))
             if s.type != "text"]
    nps_id = next(s.id for s in specs if s.type == "nps")
    wave = synthetic(n, specs, 1, "w-bench")
    respondents = wave.respondents.assign(response_id=wave.respondents["response_id"].map(lambda i: f"inv{i:07d}"),
                                          partner_id=wave.respondents["partner_id"].map(lambda p: f"P{p:06d}"))
    invitations = wave.invitations.assign(partner_id=wave.invitations["partner_id"].map(lambda p: f"P{p:06d}"))
    entries = wave_state.entries_of_frame(respondents, {i: 1 for i in respondents["response_id"]}, specs, nps_id)
    comments = comments_of(respondents, 7)
    state, buckets = wave_state.full_state("w-bench", SimpleNamespace(version=1), specs, nps_id, entries, comments,
                                           invitations, None, {}, "2026-12-06T00:00:00Z")
    thresholds = snapshot_builder.Thresholds()

    def derive():
        started, cpu = time.perf_counter(), time.process_time()
        parts = wave_state.derived_parts(state, specs, {}, snapshot_builder.BREAKDOWNS, thresholds, {},
                                         snapshot_builder.comment_summary)
        return (time.perf_counter() - started, time.process_time() - cpu), parts

    release_s, parts = derive()  # the first derivation always releases
    assert "released:comment_summary:all" in parts
    state["pending"] = {}
    release_again_s, _ = derive()
    # one changed response: a new version with another rating, its comment re-tagged
    inv = respondents["response_id"].iloc[0]
    name = wave_state.bucket_of(inv, state["buckets"])
    entry = buckets[name]["responses"][inv]
    row = list(entry["row"])
    row[-1] = (row[-1] or 0) + 1
    changed = {**comments[0], "label": "negative", "themes": ["payouts"], "theme_labels": {"payouts": "negative"}}
    started, cpu = time.perf_counter(), time.process_time()
    wave_state.apply_responses(state, {name: buckets[name]}, {inv: {"version": 2, "row": row}}, {inv: [changed]},
                               specs, nps_id)
    apply_s = (time.perf_counter() - started, time.process_time() - cpu)
    live_s, parts = derive()
    release = min(release_s, release_again_s)
    import analysis

    return {"code": str(Path(analysis.__file__).resolve().parents[1]), "comments": len(comments),
            "release_s": round(release[0], 2), "release_cpu_s": round(release[1], 2),
            "live_update_s": round(apply_s[0] + live_s[0], 2), "live_update_cpu_s": round(apply_s[1] + live_s[1], 2),
            "live_released": "released:comment_summary:all" in parts}


def _baseline():
    """benchmarks.baseline, imported in the parent process only (a worker may run an older tree)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from benchmarks import baseline

    return baseline


def run(code: Path, n: int) -> dict:
    """This script's worker in a fresh process, importing ``analysis`` from ``code`` (this tree's tests
    helpers on the path too)."""
    return _baseline().run_worker(__file__, code, ["--n", str(n)], [ROOT])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, action="append", help="responses (one comment each); repeatable")
    parser.add_argument("--baseline-rev", help="also run on the code of this git revision, in the same run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = args.n or [20_000]
    if args.worker:
        print(json.dumps(worker(sizes[0])))
        return
    print(f"load average before: {_baseline().load()}")
    with _baseline().trees(args.baseline_rev) as trees:
        for n in sizes:
            results = {name: run(code, n) for name, code in trees}
            for name, r in results.items():
                print(f"{n:,} comments, {name:>18}: release {r['release_s']:.2f} s wall / {r['release_cpu_s']:.2f} s "
                      f"CPU, live update of one response {r['live_update_s']:.2f} s / {r['live_update_cpu_s']:.2f} s "
                      f"(released: {'yes' if r['live_released'] else 'no'})")
            if len(results) == 2:
                base, ours = results.values()
                print(f"  ratio baseline/this: live update {base['live_update_s'] / ours['live_update_s']:.1f}x wall, "
                      f"{base['live_update_cpu_s'] / ours['live_update_cpu_s']:.1f}x CPU; release "
                      f"{base['release_s'] / ours['release_s']:.2f}x wall, "
                      f"{base['release_cpu_s'] / ours['release_cpu_s']:.2f}x CPU; load average {_baseline().load()}")
    print(f"load average after: {_baseline().load()}")


if __name__ == "__main__":
    main()
