"""Response rates of a wave: the invitation funnel and rates by tier, region, partner type and
program, with the share of revenue that responding partners represent.

Plain dicts and lists only (JSON-ready), for the CLI, the dashboard and the analysis issues.
Segments come from the current partner directory (the denominator has no snapshot: a partner
who did not respond never had one). Partner types and programs are multi-valued, so a partner
counts in each of theirs. A segment with fewer than ``min_partners`` invited partners shows its
size but hides who responded (``hidden: true``), as every breakdown must.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from .ports import Repositories

FUNNEL = ("created", "sent", "opened", "started", "submitted")
DIMENSIONS = {
    "tier": lambda p: [p.tier],
    "region": lambda p: [p.region],
    "partner_type": lambda p: list(p.partner_types) or ["(none)"],
    "program": lambda p: list(p.programs) or ["(none)"],
}


def _revenue(partner) -> float:
    return float(partner.annual_revenue) if partner.annual_revenue is not None else 0.0


def _segment(name: str, partners: list, contacts: Counter, submitted: Counter, responding: set,
             min_partners: int) -> dict:
    invited = len(partners)
    contacts_invited = sum(contacts[p.partner_id] for p in partners)
    revenue_invited = sum(_revenue(p) for p in partners)
    row = {"segment": name, "partners_invited": invited, "contacts_invited": contacts_invited,
           "revenue_invited": round(revenue_invited, 2), "hidden": invited < min_partners}
    if row["hidden"]:
        return {**row, "partners_responding": None, "contacts_submitted": None, "partner_rate": None,
                "contact_rate": None, "revenue_responding": None, "revenue_share": None}
    answered = [p for p in partners if p.partner_id in responding]
    revenue_responding = sum(_revenue(p) for p in answered)
    contacts_submitted = sum(submitted[p.partner_id] for p in partners)
    return {**row, "partners_responding": len(answered), "contacts_submitted": contacts_submitted,
            "partner_rate": round(len(answered) / invited, 4) if invited else None,
            "contact_rate": round(contacts_submitted / contacts_invited, 4) if contacts_invited else None,
            "revenue_responding": round(revenue_responding, 2),
            "revenue_share": round(revenue_responding / revenue_invited, 4) if revenue_invited else None}


def response_rates(repos: Repositories, wave_id: str, min_partners: int = 5) -> dict:
    """The funnel and response rates of ``wave_id`` (see the module docstring)."""
    repos.waves.get(wave_id)  # WaveNotFound for an unknown wave
    # cancelled and withdrawn invitations left the audience; an expired one was invited and did not answer
    invitations = [i for i in repos.invitations.for_wave(wave_id) if i.state not in ("cancelled", "withdrawn")]
    submitted_ids = {r.invitation_id for r in repos.responses.for_wave(wave_id) if r.is_submitted}
    directory = {p.partner_id: p for p in repos.partners.all()}
    states = Counter(i.state for i in invitations)
    contacts, submitted = Counter(), Counter()
    for invitation in invitations:
        contacts[invitation.partner_id] += 1
        if invitation.invitation_id in submitted_ids or invitation.state == "submitted":
            submitted[invitation.partner_id] += 1
    responding = {pid for pid, n in submitted.items() if n}
    invited = [directory[pid] for pid in contacts if pid in directory]
    reached = {}
    for position, state in enumerate(FUNNEL):
        reached[state] = sum(states[s] for s in FUNNEL[position:])
    by: dict[str, list[dict]] = {}
    for dimension, values_of in DIMENSIONS.items():
        groups: dict[str, list] = defaultdict(list)
        for partner in invited:
            for value in values_of(partner):
                groups[value].append(partner)
        by[dimension] = [_segment(value, members, contacts, submitted, responding, min_partners)
                         for value, members in sorted(groups.items())]
    return {
        "wave": wave_id,
        "invitations": len(invitations),
        "states": {state: states.get(state, 0) for state in FUNNEL},
        "reached": reached,  # invitations at this state or further along
        "unknown_partners": sum(1 for pid in contacts if pid not in directory),
        "overall": _segment("all", invited, contacts, submitted, responding, 0),
        "by": by,
        "min_partners": min_partners,
    }
