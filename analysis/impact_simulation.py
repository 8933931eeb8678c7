"""Simulated multi-wave programs with a known injected effect, to check the impact estimator.

Each program has partners in three tiers; one tier is affected by a change between the last
pre-change wave and the first post-change wave. A contact's NPS class (+1/0/-1) has expectation
m = μ_p + γ_t + ν_pt + τ_p·affected·after, with μ_p a partner effect (heterogeneity), γ_t a
common wave shift, ν_pt a partner-wave shock shared by the partner's contacts and τ_p the
partner's own effect (mean τ, spread ``effect_sd``). The class is drawn with P(passive) = 0.2,
P(promoter) = (0.8 + m)/2, so the expected NPS is exactly 100·m and the true effect in NPS
points is 100·τ. Contacts respond with a tier-dependent probability (nonresponse by tier).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

TIERS = ("enrolled", "advanced", "principal")
RESPONSE_RATE = {"enrolled": 0.35, "advanced": 0.55, "principal": 0.75}
TIER_SHARE = (0.5, 0.3, 0.2)
PASSIVE = 0.2


@dataclass(frozen=True)
class Program:
    frame: pd.DataFrame
    true_effect: float  # NPS points
    effective: date
    affected_tier: str


def simulate_program(rng: np.random.Generator, *, partners: int = 200, pre_waves: int = 2, post_waves: int = 1,
                     effect: float = 15.0, effect_sd: float = 4.0, affected_tier: str = "advanced",
                     contacts: tuple[int, int] = (1, 5)) -> Program:
    tiers = rng.choice(TIERS, size=partners, p=TIER_SHARE)
    tiers[:3] = TIERS  # every tier present
    mu = np.clip(rng.normal(0.1, 0.2, partners) + np.where(tiers == "principal", 0.1, 0.0), -0.4, 0.4)
    tau = (effect + rng.normal(0.0, effect_sd, partners)) / 100.0
    n_contacts = rng.integers(contacts[0], contacts[1] + 1, partners)
    waves = pre_waves + post_waves
    shifts = rng.normal(0.0, 0.04, waves)
    dates = [date(2020 + t // 2, 3 if t % 2 == 0 else 9, 15) for t in range(waves)]
    effective = date(dates[pre_waves].year, dates[pre_waves].month - 1, 1)
    rows = []
    for t in range(waves):
        after = t >= pre_waves
        shock = rng.normal(0.0, 0.05, partners)
        for p in range(partners):
            affected = tiers[p] == affected_tier
            m = mu[p] + shifts[t] + shock[p] + (tau[p] if affected and after else 0.0)
            m = float(np.clip(m, -(1 - PASSIVE), 1 - PASSIVE))
            for c in range(n_contacts[p]):
                if rng.random() >= RESPONSE_RATE[tiers[p]]:
                    continue
                u = rng.random()
                promoter = (1 - PASSIVE + m) / 2
                score = (int(rng.integers(9, 11)) if u < promoter
                         else int(rng.integers(7, 9)) if u < promoter + PASSIVE else int(rng.integers(0, 7)))
                rows.append({"partner_id": f"P{p:04d}", "contact_id": f"P{p:04d}-C{c}", "wave_id": f"w{t + 1}",
                             "wave_date": dates[t].isoformat(), "tier": str(tiers[p]), "region": "EMEA",
                             "q_nps": score})
    return Program(pd.DataFrame(rows), effect, effective, affected_tier)


def coverage_study(runs: int, *, seed: int = 2026, level: float = 0.90, null_every: int = 2,
                   **program_options) -> dict:
    """Run ``runs`` programs (every ``null_every``-th with no effect): coverage of the true effect
    by the interval, and how often a null effect is flagged (interval excludes zero)."""
    from chalicelib.domain.changes import Segments

    from .impact import Metric, affected_flags, estimate_effect

    rng = np.random.default_rng(seed)
    covered = estimated = nulls = false_positives = detected = effects = 0
    pre_trend_flags = pre_trend_checks = 0
    for i in range(runs):
        is_null = i % null_every == 0
        effect = 0.0 if is_null else float(program_options.get("effect", 15.0))
        options = {**program_options, "effect": effect}
        program = simulate_program(rng, **options)
        frame = program.frame.assign(
            affected=lambda f, tier=program.affected_tier: affected_flags(f, Segments(tiers=(tier,))))
        doc = estimate_effect(frame, Metric("nps", "q_nps"), program.effective, level=level)
        if doc["status"] != "ok":
            continue
        est = doc["estimate"]
        estimated += 1
        covered += est["low"] <= program.true_effect <= est["high"]
        excludes_zero = not (est["low"] <= 0 <= est["high"])
        if is_null:
            nulls += 1
            false_positives += excludes_zero
        else:
            effects += 1
            detected += excludes_zero
        if doc["pre_trend"].get("status") == "ok":
            pre_trend_checks += 1
            pre_trend_flags += not doc["pre_trend"]["moved_together"]
    return {"runs": runs, "estimated": estimated, "nominal": level,
            "coverage": covered / estimated if estimated else float("nan"),
            "null_runs": nulls, "false_positive_rate": false_positives / nulls if nulls else float("nan"),
            "effect_runs": effects, "power": detected / effects if effects else float("nan"),
            "pre_trend_flag_rate": pre_trend_flags / pre_trend_checks if pre_trend_checks else float("nan")}
