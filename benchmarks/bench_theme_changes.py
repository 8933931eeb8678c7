"""What the theme comparison between waves adds to a full snapshot build (issue 24).

Two synthetic waves of comment records (themes and labels as the enrichment writes them, partners of
four comments on average); the baseline, in the same run, is counting comments per theme and tier
(what the comment summary already does on every build); then ``analysis.theme_changes`` (clustered
shares, tests, Benjamini-Hochberg).

    .venv/bin/python -m benchmarks.bench_theme_changes [--comments 100000]
"""
from __future__ import annotations

import argparse
import random
import time

THEMES = ["incentives_payouts", "partner_portal", "deal_registration", "training", "account_management",
          "pricing", "support", "marketing_funds", "certification", "communication", "onboarding", "tools"]
TIERS = ["enrolled", "advanced", "principal"]


def wave(n: int, seed: int, shift: float) -> list[dict]:
    rng = random.Random(seed)
    partners = max(n // 4, 1)
    out = []
    for i in range(n):
        weights = [1.0 + (shift if t == "incentives_payouts" else 0.0) for t in THEMES]
        themes = sorted(set(rng.choices(THEMES, weights, k=rng.choice((1, 1, 2)))))
        partner = rng.randrange(partners)
        out.append({"id": f"{seed}-{i}", "partner_id": f"P{partner}", "tier": TIERS[partner % 3], "themes": themes,
                    "label": rng.choice(("positive", "neutral", "negative", "negative"))})
    return out


def counts(comments: list[dict]) -> dict:
    found: dict = {}
    for c in comments:
        for theme in c["themes"]:
            for group in ("all", c["tier"]):
                key = (group, theme, c["label"])
                found[key] = found.get(key, 0) + 1
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=100_000)
    args = parser.parse_args()
    from analysis.theme_changes import significant, theme_changes

    before, after = wave(args.comments, 1, 0.0), wave(args.comments, 2, 0.6)
    wall, cpu = time.perf_counter(), time.process_time()
    counts(before), counts(after)
    baseline = (time.perf_counter() - wall, time.process_time() - cpu)
    wall, cpu = time.perf_counter(), time.process_time()
    tests = theme_changes(after, before, 8, 3)
    compared = (time.perf_counter() - wall, time.process_time() - cpu)
    print(f"comments per wave: {args.comments}; tests: {len(tests)}, significant: {len(significant(tests))}")
    print(f"baseline (theme x tier x label counts of both waves): {baseline[0]:.2f} s wall, {baseline[1]:.2f} s CPU")
    print(f"theme comparison (shares, clustered tests, BH): {compared[0]:.2f} s wall, {compared[1]:.2f} s CPU")


if __name__ == "__main__":
    main()
