"""The demo's program story (issue 22): two recorded changes between its waves, an action linked to
the finding that prompted one of them, and their effect estimates beside the truth the generator used.

- ``portal-relaunch`` (all partners, effective 2025-12-15): the generator lifts every partner's
  portal rating by +0.6 points on its latent scale in the current wave (``demo._rating_shift``).
  No unaffected group: the estimate is "before/after only".
- ``emea-payout-platform`` (EMEA, effective 2025-12-01): incentive payouts in EMEA moved to a new
  payment platform; the generator lowers EMEA's incentive rating by 0.9 latent points in the
  current wave. Affected (EMEA) against unaffected (other regions): a difference in differences.

The truth in top-2-box points follows from the generator's model: a rating is
round(1 + 0.4·mood + shift + N(0, 0.7)) with mood = tier base + region shift + N(0, 1.3) + N(0, 0.8),
so P(top-2-box) = 1 - Φ((3.5 - m)/s), m = 1 + 0.4·(tier base + region shift) + shift,
s² = 0.16·(1.3² + 0.8²) + 0.7². The true effect is the average of P(with) - P(without) over the
affected invited contacts (the estimate is weighted to the invited population). The truth is written
only to the demo's notes (``.local/demo-notes.md``) and printed by ``pulse demo seed``, never stored
with the product's data.
"""
from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .demo import CURRENT_WAVE, PREVIOUS_WAVE, REGION_SHIFT, TIER_BASE

SURVEY = "px"
SPREAD = math.sqrt(0.16 * (1.3 ** 2 + 0.8 ** 2) + 0.7 ** 2)
STORY = (
    {"change": {"id": "emea-payout-platform", "effective": "2025-12-01", "segments": {"regions": ["EMEA"]},
                "description": "EMEA incentive payouts moved to a new payment platform",
                "metrics": ["top2:q_sat_incentives"]},
     "question": "q_sat_incentives", "base_shift": -0.3, "delta": -0.9, "region": "EMEA"},
    {"change": {"id": "portal-relaunch", "effective": "2025-12-15", "segments": {},
                "description": "Partner portal relaunched (new search and deal registration screens)",
                "metrics": ["top2:q_sat_portal"], "actions": ["act-demoportal1"]},
     "question": "q_sat_portal", "base_shift": -0.7, "delta": 0.6, "region": None},
)


def _top2(mean: float) -> float:
    return 1.0 - 0.5 * (1.0 + math.erf((3.5 - mean) / (SPREAD * math.sqrt(2.0))))


def true_effect(invited: list[tuple[str, str]], base_shift: float, delta: float, region: str | None) -> float:
    """The generator's effect in top-2-box points, averaged over the affected invited contacts."""
    effects = []
    for tier, partner_region in invited:
        if region is not None and partner_region != region:
            continue
        m = 1 + 0.4 * (TIER_BASE[tier] + REGION_SHIFT[partner_region]) + base_shift
        effects.append(100.0 * (_top2(m + delta) - _top2(m)))
    return sum(effects) / len(effects) if effects else float("nan")


def portal_action(now: datetime) -> dict:
    """The action the previous wave's portal finding prompted (done: the relaunch shipped)."""
    from chalicelib.domain.actions import new_action, updated_action

    action = new_action({"title": "Relaunch the partner portal (search, deal registration)",
                         "owner": "portal-lead@vendor.example", "due": "2025-12-15",
                         "finding": {"kind": "driver", "wave_id": PREVIOUS_WAVE, "ref": "q_sat_portal",
                                     "label": "Partner portal: lowest satisfaction, a key driver"},
                         "metrics": ["top2:q_sat_portal", "nps:q_nps"], "direction": "up",
                         "note": "Prompted by the H2 2025 drivers and portal comments."},
                        "demo@vendor.example", now - timedelta(days=150), "act-demoportal1")
    for status in ("approved", "in_progress", "done"):
        action = updated_action(action, {"status": status}, "demo@vendor.example", now - timedelta(days=100))
    return action


def payout_action(now: datetime) -> dict:
    from chalicelib.domain.actions import new_action

    return new_action({"title": "Bring EMEA payouts back to 30 days", "owner": "emea-incentives@vendor.example",
                       "due": (now + timedelta(days=45)).date().isoformat(),
                       "finding": {"kind": "driver", "wave_id": CURRENT_WAVE, "ref": "q_sat_incentives",
                                   "segment": "region=EMEA", "label": "Incentives and payout speed, EMEA"},
                       "metrics": ["top2:q_sat_incentives"], "segments": {"regions": ["EMEA"]}, "direction": "up"},
                      "demo@vendor.example", now, "act-demopayout1")


def seed_demo_plans(repos, stores, now: datetime | None = None, notes_file: Path | None = None) -> str:
    """Record the demo's changes and actions, estimate the changes from the two waves and save the
    estimates on them; returns the lines ``pulse demo seed`` prints (estimate beside truth)."""
    from analysis.impact_loader import estimate_change, survey_history
    from chalicelib.domain.changes import parse_change

    now = now or datetime.now(UTC)
    stores.actions.add(portal_action(now))
    stores.actions.add(payout_action(now))
    history, scales = survey_history(repos, SURVEY)
    partners = {p.partner_id: p for p in repos.partners.all()}
    invited = [(partners[i.partner_id].tier, partners[i.partner_id].region)
               for i in repos.invitations.for_wave(CURRENT_WAVE) if i.partner_id in partners]
    lines, notes = [], ["# Demo notes (truth of the generator; not product data)", ""]
    for story in STORY:
        record = {**story["change"], "created_by": "demo@vendor.example",
                  "created_at": now.strftime("%Y-%m-%dT%H:%M:%SZ")}
        change = parse_change({k: v for k, v in record.items() if k not in ("created_by", "created_at")})
        stores.changes.add({**change.to_dict(), "created_by": record["created_by"], "created_at": record["created_at"]})
        docs = estimate_change(history, scales, change)
        stores.changes.set_estimates(change.change_id, docs, now.strftime("%Y-%m-%dT%H:%M:%SZ"), "", SURVEY)
        truth = true_effect(invited, story["base_shift"], story["delta"], story["region"])
        est = docs[0].get("estimate") if docs else None
        figure = (f"{est['value']:+.1f} points (90% interval {est['low']:+.1f} to {est['high']:+.1f}, "
                  f"{docs[0]['design']})" if est else docs[0]["verdict"] if docs else "no estimate")
        lines.append(f"demo change {change.change_id}: estimate {figure}; true effect {truth:+.1f} points")
        notes += [f"## {change.change_id}", f"- {change.description} (effective {change.effective})",
                  f"- generator: {story['question']} latent shift {story['delta']:+.1f} in {CURRENT_WAVE}"
                  f" for {story['region'] or 'all partners'}",
                  f"- true effect on the top-2-box: {truth:+.1f} points", f"- estimate: {figure}", ""]
    if notes_file is not None:
        notes_file.parent.mkdir(parents=True, exist_ok=True)
        notes_file.write_text("\n".join(notes), "utf-8")
    return "\n".join(lines)
