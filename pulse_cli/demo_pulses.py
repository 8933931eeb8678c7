"""The demo's moments (issue 27): four months of program events with their pulses and answers.

Deterministic (fixed seed). Events: technical assessments, PoC funding decisions, deal registrations and
incentive payouts, in the four months before the current relationship wave opened (an open relationship
wave holds pulses back). The fatigue rules are applied as the sender would (one pulse per contact per 30
days; the rest are recorded as skipped). The story: PoC funding is slow in APJ (weeks to a decision) and
its pulses there are poor; a partner's pulses go with its relationship score. Written in bulk, then the
transactional results are built once, so the dashboard's "Moments" page has figures at once.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from chalicelib.domain.fatigue import CONTACT_RECENT, FatigueRules
from chalicelib.domain.pulses import ProgramEvent, month_bounds, pulse_survey_definition, pulse_wave_id
from chalicelib.domain.responses import SUBMITTED, Invitation, Response
from chalicelib.domain.survey import parse_survey_definition
from chalicelib.domain.waves import OPEN, Wave, iso

SEED = 20261206
EVENTS = 600
MIX = (("assessment_delivered", 0.3), ("poc_funded", 0.3), ("deal_registration_decided", 0.25),
       ("payout_made", 0.15))
ANSWER_RATE = 0.6
COMMENTS = {
    "poc_funded": {"slow": ["PoC funding took weeks to approve; the customer almost walked away.",
                            "Waiting a month for PoC funds is too long.",
                            "Approval for the proof of concept was slow."],
                   "good": ["Funding came through in days, great.", "Smooth PoC approval.", ""]},
    "assessment_delivered": {"slow": ["The assessment report came late."],
                             "good": ["The technical assessment was thorough.",
                                      "Useful findings, quick turnaround.", ""]},
    "deal_registration_decided": {"slow": ["Rejected without a reason.", "The deal registration took too long."],
                                  "good": ["Approved quickly.", "Clear decision, thanks.", ""]},
    "payout_made": {"slow": ["The payout was late again."], "good": ["Paid on time.", ""]},
}


def _attributes(rng: random.Random, event_type: str, region: str) -> tuple[dict, bool]:
    """(attributes, slow?) of one demo event."""
    if event_type == "poc_funded":
        slow = region == "APJ"
        days = rng.randint(28, 60) if slow else rng.randint(4, 14)
        outcome = "funded" if rng.random() < 0.8 else "declined"
        return {"outcome": outcome, "amount": rng.choice([10000, 25000, 50000]), "days_to_decision": days}, slow
    if event_type == "assessment_delivered":
        return {"outcome": "recommended" if rng.random() < 0.7 else "not_recommended"}, rng.random() < 0.15
    if event_type == "deal_registration_decided":
        approved = rng.random() < 0.75
        return {"outcome": "approved" if approved else "rejected", "amount": rng.choice([20000, 80000, 250000])}, \
            not approved
    on_time = rng.random() < 0.8
    return {"amount": rng.choice([500, 2500, 12000]), "on_time": on_time,
            "program": rng.choice(["technical_assessment", "proof_of_concept", "partner_to_partner"])}, not on_time


def seed_demo_pulses(repos, store, tokens, program, now: datetime, relationship_wave: str) -> str:
    """Write the demo's events, pulse waves, invitations and answers; returns a one-line summary."""
    rng = random.Random(SEED)
    partners = [p for p in repos.partners.all() if p.contacts]
    if not partners or not program.event_types:
        return "demo moments not loaded: no partners or no event types in the program"
    relationship = {r.partner_id: r.answers.get("q_nps") for r in repos.responses.for_wave(relationship_wave)
                    if isinstance(r.answers.get("q_nps"), int)}
    end = min(now - timedelta(days=25), datetime.fromisoformat(repos.waves.get(relationship_wave).opens_at
                                                               .replace("Z", "+00:00")) - timedelta(days=4))
    start = end - timedelta(days=120)
    rules = FatigueRules()
    types = {t.id: t for t in program.event_types}
    weights = [w for _, w in MIX]
    moments = sorted(start + (end - start) * rng.random() for _ in range(EVENTS))
    last_asked: dict[str, datetime] = {}
    items, invitations, responses, waves = [], [], [], {}
    counts = {"events": 0, "sent": 0, "skipped": 0, "answered": 0}
    from chalicelib.storage.pulses import event_item

    for n, occurred in enumerate(moments):
        type_id = rng.choices([t for t, _ in MIX], weights)[0]
        event_type = types.get(type_id)
        if event_type is None:
            continue
        partner = rng.choice(partners)
        contact = partner.contacts[0] if event_type.ask == "primary_contact" else rng.choice(partner.contacts)
        attributes, slow = _attributes(rng, type_id, partner.region)
        event = ProgramEvent(f"demo-{type_id[:4]}-{n:05d}", type_id, partner.partner_id, iso(occurred), attributes,
                             None if event_type.ask == "primary_contact" else contact.email, None)
        item = event_item(event, "demo", occurred, "sent")
        counts["events"] += 1
        due = occurred + timedelta(days=event_type.delay_days)
        previous = last_asked.get(contact.contact_id)
        if previous is not None and previous > rules.contact_cutoff(due):
            item.update(status="skipped", reason=CONTACT_RECENT, GSI2PK=f"PULSESKIPPED#{due:%Y-%m}",
                        GSI2SK=f"{CONTACT_RECENT}#{event.event_id}")
            items.append(item)
            counts["skipped"] += 1
            continue
        last_asked[contact.contact_id] = due
        wave_id = pulse_wave_id(type_id, due)
        if wave_id not in waves:
            begin, following = month_bounds(due)
            waves[wave_id] = Wave(wave_id, event_type.survey_id, program.version, OPEN, iso(begin),
                                  iso(following + timedelta(days=event_type.expiry_days + 30)),
                                  title=f"{event_type.label} {begin:%b %Y}")
        invitation_id = tokens.invitation_id(wave_id, partner.partner_id, f"{contact.contact_id}|{event.event_id}")
        item.update(invitation_id=invitation_id, wave_id=wave_id, handled_at=iso(due))
        items.append(item)
        counts["sent"] += 1
        answered = rng.random() < ANSWER_RATE
        invitations.append(Invitation(invitation_id, wave_id, partner.partner_id, contact.contact_id,
                                      contact.language, iso(due), "submitted" if answered else "sent"))
        if not answered:
            continue
        base = relationship.get(partner.partner_id, 7)
        score = base * 0.5 + 4.5 + rng.gauss(0, 1.2) - (4.0 if slow else 0.0)
        score = int(min(10, max(0, round(score))))
        ease = int(min(5, max(1, round(score / 2.2 + rng.gauss(0, 0.6)))))
        comment = rng.choice(COMMENTS[type_id]["slow" if slow or score <= 6 else "good"])
        answers = {"q_score": score, "q_ease": ease, **({"q_comment": comment} if comment else {})}
        stamp = iso(due + timedelta(hours=rng.randint(2, 96)))
        responses.append(Response(invitation_id, wave_id, event_type.survey_id, program.version, partner.partner_id,
                                  contact.contact_id, "en", answers, SUBMITTED, 1, stamp, stamp, stamp,
                                  partner=partner.snapshot()))
        counts["answered"] += 1
    for event_type in program.event_types:
        survey = parse_survey_definition(pulse_survey_definition(event_type, program.version))
        repos.surveys.publish(survey, iso(now))
    for wave in waves.values():
        repos.waves.add(wave)
    store.table.batch_put(items)
    repos.invitations.put_many(invitations)
    repos.responses.put_many(responses)
    from chalicelib.services.pulse_results import publish_pulse_results

    publish_pulse_results(repos, store, program, now)
    return (f"demo moments: {counts['events']} program events, {counts['sent']} pulses sent, {counts['skipped']} "
            f"held back by the fatigue rules, {counts['answered']} answered (PoC funding is slow in APJ)")

