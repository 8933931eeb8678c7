"""``pulse demo seed``: a deterministic, realistic demo program (fixed random seed).

~700 partners in three tiers and four regions with Pareto-skewed revenue (top 20% of
partners bring ~80% of revenue), two waves of the ``px`` survey (``px-2025-h2`` closed,
``px-2026-h1`` open) and ~1,500 responses whose scores follow a latent-satisfaction model
with real drivers, plus comments in English, Spanish, German and Japanese.
"""
from __future__ import annotations

import math
import random
import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import yaml

from chalicelib.domain.partners import Contact, Partner, contact_id_for
from chalicelib.domain.responses import PARTIAL, SUBMITTED, Response
from chalicelib.domain.waves import CLOSED, OPEN, Wave, iso
from chalicelib.services.catalogue import publish_survey
from chalicelib.services.invitations import create_invitations
from chalicelib.services.program import apply_program

from .demo_comments import COMMENTS, EXTRA_TOPICS, RATING_TOPICS
from .stage import project_root

SEED = 20260101
PARTNER_COUNT = 700
PREVIOUS_WAVE, CURRENT_WAVE = "px-2025-h2", "px-2026-h1"
TIERS = [("enrolled", 0.6), ("advanced", 0.3), ("principal", 0.1)]
REGIONS = {
    "AMER": (0.38, ["US", "US", "US", "CA"]),
    "EMEA": (0.32, ["DE", "GB", "FR", "ES", "NL", "SE", "IT", "ZA", "AE"]),
    "APJ": (0.18, ["JP", "JP", "AU", "IN", "SG", "KR"]),
    "LATAM": (0.12, ["BR", "MX", "AR", "CL", "CO"]),
}
LANGUAGE_BY_COUNTRY = {"DE": ("de", 0.75), "ES": ("es", 0.85), "MX": ("es", 0.85), "AR": ("es", 0.9),
                       "CL": ("es", 0.9), "CO": ("es", 0.9), "BR": ("es", 0.3), "JP": ("ja", 0.85)}
PARTNER_TYPES = ["reseller", "service_provider", "cloud", "services", "managed_services"]
PROGRAMS = ["technical_assessment", "proof_of_concept", "partner_to_partner", "partner_connect"]
TIER_BASE = {"enrolled": 6.4, "advanced": 7.2, "principal": 8.0}
REGION_SHIFT = {"AMER": 0.2, "EMEA": -0.2, "APJ": -0.1, "LATAM": 0.1}
NAME_PARTS = (["Nord", "Blue", "Apex", "Cedar", "Quantum", "Iron", "Silver", "Summit", "Harbor", "Vertex",
               "Sakura", "Andes", "Atlas", "Coral", "Delta", "Ember", "Falcon", "Granite", "Helix", "Indigo"],
              ["wave", "point", "stack", "bridge", "logic", "works", "field", "path", "gate", "line"],
              ["Systems", "Solutions", "IT", "Consulting", "Technologies", "Partners", "Digital", "Cloud"])
FIRST_NAMES = ["Ana", "Ben", "Chen", "Dana", "Erik", "Fatima", "Gita", "Hiro", "Ines", "Jonas", "Kofi",
               "Lena", "Mateo", "Noor", "Olga", "Priya", "Quinn", "Rosa", "Sven", "Tomo", "Uma", "Vik"]
LAST_NAMES = ["Silva", "Schmidt", "Tanaka", "Garcia", "Okafor", "Novak", "Rossi", "Kim", "Larsen",
              "Haddad", "Moreau", "Patel", "Suzuki", "Lopez", "Berg", "Costa"]


def _weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def make_partners(rng: random.Random, count: int = PARTNER_COUNT) -> list[Partner]:
    """The demo directory: deterministic for a given generator state."""
    partners = []
    regions = [(name, share) for name, (share, _) in REGIONS.items()]
    for n in range(1, count + 1):
        tier = _weighted(rng, TIERS)
        region = _weighted(rng, regions)
        country = rng.choice(REGIONS[region][1])
        # Pareto tail (alpha 0.95 measured to give top 20% ~80% of revenue with these tier multipliers).
        revenue = 40_000 / (1 - rng.random()) ** (1 / 0.95)
        revenue *= {"enrolled": 1, "advanced": 2.5, "principal": 6}[tier]
        name = f"{rng.choice(NAME_PARTS[0])}{rng.choice(NAME_PARTS[1])} {rng.choice(NAME_PARTS[2])}"
        slug = f"{name.split()[0].lower()}{n:03d}"
        programs = [p for p in PROGRAMS
                    if rng.random() < {"enrolled": 0.25, "advanced": 0.45, "principal": 0.7}[tier]]
        contacts = []
        for _ in range(rng.choice([1, 2, 2, 3, 3, 4])):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{first}.{last}.{len(contacts) + 1}@{slug}.example".lower()
            language, share = LANGUAGE_BY_COUNTRY.get(country, ("en", 0))
            contacts.append(Contact(contact_id_for(email), f"{first} {last}", email,
                                    language if rng.random() < share else "en"))
        partners.append(Partner(
            partner_id=f"P{n:04d}", name=name, tier=tier, region=region, country=country,
            partner_types=tuple(rng.sample(PARTNER_TYPES, rng.choice([1, 1, 2]))),
            transacting=rng.random() < {"enrolled": 0.6, "advanced": 0.85, "principal": 0.97}[tier],
            annual_revenue=Decimal(int(min(revenue, 400_000_000))), programs=tuple(programs),
            account_manager_email=f"am-{region.lower()}-{rng.randint(1, 6)}@vendor.example",
            contacts=tuple(contacts)))
    return partners


def _rating_shift(question: str, partner: Partner, wave: str) -> float:
    """How a question deviates from a partner's overall mood (the story the demo tells)."""
    current = wave == CURRENT_WAVE
    shift = {"q_sat_portal": -0.7, "q_sat_incentives": -0.3, "q_sat_support": -0.2,
             "q_sat_enablement": 0.2, "q_sat_poc": 0.3, "q_sat_ta": 0.1}.get(question, 0.0)
    if question == "q_sat_portal" and current:
        shift += 0.6  # the portal relaunch between waves worked
    if question == "q_sat_incentives" and current and partner.region == "EMEA":
        shift -= 0.9  # payout delays in EMEA this half
    if question == "q_sat_deal_reg" and partner.tier == "enrolled":
        shift -= 0.5
    if question == "q_sat_account_mgr":
        shift += {"principal": 0.6, "advanced": 0.1, "enrolled": -0.5}[partner.tier]
    return shift


DRIVER_WEIGHTS = {"q_sat_incentives": 0.25, "q_sat_deal_reg": 0.2, "q_sat_account_mgr": 0.2,
                  "q_sat_value": 0.15, "q_sat_portal": 0.1, "q_sat_support": 0.07, "q_sat_enablement": 0.03}


def _answers(rng: random.Random, partner: Partner, language: str, wave: str, mood: float) -> dict:
    ratings = {}
    for question in ["q_sat_value", *RATING_TOPICS]:
        if question in ("q_sat_ta", "q_sat_poc", "q_sat_p2p"):
            program = {"q_sat_ta": "technical_assessment", "q_sat_poc": "proof_of_concept",
                       "q_sat_p2p": "partner_to_partner"}[question]
            if program not in partner.programs:
                continue
        value = 1 + mood / 10 * 4 + _rating_shift(question, partner, wave) + rng.gauss(0, 0.7)
        ratings[question] = max(1, min(5, round(value)))
    driven = sum(w * (ratings[q] - 1) / 4 * 10 for q, w in DRIVER_WEIGHTS.items())
    nps = max(0, min(10, round(0.3 * mood + 0.7 * driven + 0.8 + rng.gauss(0, 1.0))))
    answers: dict = {"q_nps": nps, **ratings}
    used = [p for p in partner.programs if p != "partner_connect" or rng.random() < 0.5]
    if used:
        answers["q_programs_used"] = used
    if rng.random() < 0.8:
        answers["q_business_model"] = rng.choice(["resale", "subscriptions", "services", "managed"])
    by_score = sorted((value, q) for q, value in ratings.items() if q in RATING_TOPICS)
    if rng.random() < 0.65:
        if nps <= 6:
            topic, tone = RATING_TOPICS[by_score[0][1]], "negative"
        elif nps >= 9:
            topic, tone = RATING_TOPICS[by_score[-1][1]], "positive"
        else:
            topic, tone = RATING_TOPICS[rng.choice(by_score)[1]], "mixed"
        if rng.random() < 0.15:
            topic = rng.choice(EXTRA_TOPICS)
        answers["q_nps_reason"] = _comment(rng, topic, tone, language)
    if rng.random() < 0.4:
        topic = RATING_TOPICS[by_score[0][1]] if rng.random() < 0.8 else rng.choice(EXTRA_TOPICS)
        answers["q_fix_first"] = _comment(rng, topic, rng.choice(["negative", "mixed"]), language)
    # consent to follow-up: ~70% yes, from the partner id (no draw from rng: the demo stays the same)
    answers["q_contact"] = "yes" if zlib.crc32(f"{partner.partner_id}{wave}".encode()) % 10 < 7 else "no"
    return answers


def _comment(rng: random.Random, topic: str, tone: str, language: str) -> str:
    options = COMMENTS[topic][tone]
    return rng.choice(options.get(language) or options["en"])


def _respond(rng, partner, invitation, survey, wave: Wave, when: datetime, mood: float, partial: bool):
    answers = _answers(rng, partner, invitation.language, wave.wave_id, mood)
    if partial:
        answers = {k: v for k, v in answers.items() if k in ("q_nps", "q_nps_reason", "q_sat_value")}
    stamp = iso(when)
    return Response(
        invitation_id=invitation.invitation_id, wave_id=wave.wave_id, survey_id=survey.id,
        survey_version=survey.version, partner_id=partner.partner_id, contact_id=invitation.contact_id,
        language=invitation.language, answers=answers, status=PARTIAL if partial else SUBMITTED,
        version=1, created_at=stamp, updated_at=stamp, submitted_at=None if partial else stamp,
        partner=partner.snapshot())


def seed_demo(repos, tokens, base_url: str, links_file: Path, *, force: bool = False,
              now: datetime | None = None) -> str:
    """Load the demo into an empty database; returns a one-line summary."""
    if repos.partners.any_exist() and not force:
        return "demo data not loaded: the database already has partners (use --force to add anyway)"
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    rng = random.Random(SEED)
    if getattr(repos, "programs", None) is not None:
        program = yaml.safe_load((project_root() / "examples" / "program.yaml").read_text("utf-8"))
        apply_program(repos, program, now)
    definition = yaml.safe_load((project_root() / "examples" / "partner-experience.yaml").read_text("utf-8"))
    survey, _ = publish_survey(repos, definition, now)
    # a short paged survey with logic, N/A and a matrix, ready for a targeted wave (README)
    publish_survey(repos, yaml.safe_load((project_root() / "examples" / "pulse-logic.yaml").read_text("utf-8")), now)
    partners = make_partners(rng)
    repos.partners.put_many(partners, iso(now))
    waves = [
        Wave(PREVIOUS_WAVE, survey.id, survey.version, CLOSED, "2025-09-01T00:00:00Z",
             "2025-10-31T23:59:59Z", "2025-10-31T23:59:59Z", title="H2 2025"),
        Wave(CURRENT_WAVE, survey.id, survey.version, OPEN, iso(now - timedelta(days=21)),
             iso(now + timedelta(days=60)), title="H1 2026"),
    ]
    moods = {p.partner_id: TIER_BASE[p.tier] + REGION_SHIFT[p.region] + rng.gauss(0, 1.3) for p in partners}
    by_id = {p.partner_id: p for p in partners}
    responses, invitations, open_links = [], [], []
    for wave in waves:
        repos.waves.add(wave)
        current = wave.wave_id == CURRENT_WAVE
        opened = datetime.fromisoformat(wave.opens_at.replace("Z", "+00:00"))
        span = (now - opened) if current else timedelta(days=60)
        for link in create_invitations(repos, tokens, wave.wave_id, base_url, now):
            partner = by_id[link.partner.partner_id]
            rate = {"enrolled": 0.45, "advanced": 0.55, "principal": 0.68}[partner.tier] - (0.08 if current else 0)
            roll = rng.random()
            when = opened + span * rng.random()
            mood = moods[partner.partner_id] + rng.gauss(0, 0.8)
            if roll < rate:
                responses.append(_respond(rng, partner, link.invitation, survey, wave, when, mood, False))
                state = "submitted"
            elif current and roll < rate + 0.05:
                responses.append(_respond(rng, partner, link.invitation, survey, wave, when, mood, True))
                state = "started"
                open_links.append((link, "saved, not submitted"))
            else:
                state = "sent"
                if current:
                    open_links.append((link, "not started"))
            invitations.append(replace(link.invitation, state=state))
    repos.invitations.put_many(invitations)
    repos.responses.put_many(responses)
    _write_links(links_file, open_links)
    submitted = sum(r.status == SUBMITTED for r in responses)
    revenue = sorted((float(p.annual_revenue) for p in partners), reverse=True)
    top_share = sum(revenue[: math.ceil(len(revenue) * 0.2)]) / sum(revenue)
    return (f"demo loaded: {len(partners)} partners, {len(invitations)} invitations in 2 waves, "
            f"{submitted} submitted and {len(responses) - submitted} partial responses; "
            f"top 20% of partners hold {top_share:.0%} of revenue; links in {links_file}")


def seed_sized(repos, partner_count: int, response_count: int, *, force: bool = False,
               now: datetime | None = None, wave_ids: tuple[str, str] = (PREVIOUS_WAVE, CURRENT_WAVE),
               previous_wave: bool = True) -> str:
    """A demo of a chosen size: ``partner_count`` partners, ``response_count`` submitted responses
    in the open wave (and half as many in the closed one), ~3 invitations per 2 responses.

    Invitations are written directly (no signed links: use the default demo to try the form);
    everything goes out in batch writes. Deterministic for a given size.
    """
    from chalicelib.domain.responses import Invitation

    if partner_count < 1 or response_count < 0:
        raise ValueError("--partners must be at least 1 and --responses at least 0")
    if repos.partners.any_exist() and not force:
        return "demo data not loaded: the database already has partners (use --force to add anyway)"
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    rng = random.Random(SEED)
    definition = yaml.safe_load((project_root() / "examples" / "partner-experience.yaml").read_text("utf-8"))
    survey, _ = publish_survey(repos, definition, now)
    partners = make_partners(rng, partner_count)
    repos.partners.put_many(partners, iso(now))
    previous, current = wave_ids
    waves = [(Wave(previous, survey.id, survey.version, CLOSED, "2025-09-01T00:00:00Z", "2025-10-31T23:59:59Z",
                   "2025-10-31T23:59:59Z"), response_count // 2),
             (Wave(current, survey.id, survey.version, OPEN, iso(now - timedelta(days=21)),
                   iso(now + timedelta(days=60))), response_count)][0 if previous_wave else 1:]
    moods = {p.partner_id: TIER_BASE[p.tier] + REGION_SHIFT[p.region] + rng.gauss(0, 1.3) for p in partners}
    total = 0
    for wave, count in waves:
        repos.waves.add(wave)
        invitations, responses = [], []
        for i in range(count + count // 2):
            partner = partners[i % len(partners)]
            contact = partner.contacts[(i // len(partners)) % len(partner.contacts)]
            answered = i < count
            invitation = Invitation(f"{wave.wave_id}-{i:07d}", wave.wave_id, partner.partner_id,
                                    contact.contact_id, contact.language, iso(now),
                                    "submitted" if answered else "sent")
            invitations.append(invitation)
            if answered:
                when = now - timedelta(days=rng.uniform(0, 20))
                mood = moods[partner.partner_id] + rng.gauss(0, 0.8)
                responses.append(_respond(rng, partner, invitation, survey, wave, when, mood, False))
        repos.invitations.put_many(invitations)
        repos.responses.put_many(responses)
        total += len(responses)
    return (f"demo loaded: {len(partners)} partners, {total} submitted responses in {len(waves)} wave(s) "
            f"({response_count} in {current})")


def _write_links(path: Path, open_links) -> None:
    """A few open links, one per language where possible, for people to try the form."""
    chosen, seen = [], set()
    for link, note in open_links:
        key = (link.contact.language, note)
        if key not in seen:
            seen.add(key)
            chosen.append((link, note))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(
        f"{link.url}  # {link.contact.language}, {link.partner.tier}, {link.partner.region}, {note}\n"
        for link, note in chosen[:10]), encoding="utf-8")
