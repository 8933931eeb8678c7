"""Transactional results (issue 27): build the per-event-type scorecards and the link, store, read.

Built by the scheduled sender when stale (``STALE_AFTER``) or by ``pulse pulses results --store``, and
released by k (``pulse_release``): the dashboard, the staff API, the CLI and the report read only the
released copy (no pandas on their path); pulse surveys are aggregate, so every reader is restricted.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain.waves import iso, parse_instant

SCHEMA = "pulse.pulses/1"
STALE_AFTER = timedelta(hours=1)
KEEP = ("overall", "breakdowns", "suppression", "nps_question")


def _compact(card: dict | None) -> dict | None:
    return {key: card[key] for key in KEEP if key in card} if card else None


LINK_CANDIDATES = 4  # the link is read against the recent relationship wave sharing the most partners


def _recent_relationship_waves(repos, pulse_surveys: set[str]) -> list:
    """The most recently opened waves of surveys that are not pulses, newest first."""
    surveys = sorted({v["survey_id"] for v in repos.surveys.versions()} - pulse_surveys)
    waves = [w for s in surveys for w in repos.waves.waves_of_survey(s)]
    return sorted(waves, key=lambda w: w.opens_at, reverse=True)[:LINK_CANDIDATES]


def build_pulse_results(repos, store, program, now: datetime, threshold: int = 5, min_partners: int = 3,
                        members: dict | None = None) -> dict:
    """Every event type's transactional scorecard, the skip counts, and the link to relationship NPS.
    ``members`` (a dict, filled when given): each response the document counts, with its version and
    groups (``analysis.pulses.response_profiles``; the link's as ``link``), for the release."""
    from analysis.pulses import event_type_scorecard, link_analysis, partner_scores, response_profiles

    partners = repos.partners.all()
    documents, transactional = [], []
    for event_type in program.event_types:
        waves = repos.waves.waves_of_survey(event_type.survey_id)
        events = store.events_of_type(event_type.id)
        if not waves:
            documents.append({"event_type": event_type.id, "label": event_type.label, "events": len(events),
                              "invited": 0, "respondents": 0, "skipped": {}, "scorecard": None,
                              "attributes": {}, "trend": []})
            continue
        survey = repos.surveys.get(event_type.survey_id)
        responses = [r for w in waves for r in repos.responses.for_wave(w.wave_id)]
        transactional.extend(responses)
        if members is not None:
            members.update(response_profiles(event_type.to_dict(), responses, events))
        doc = event_type_scorecard(event_type.to_dict(), survey, responses, events, partners, threshold, min_partners)
        doc["scorecard"] = _compact(doc["scorecard"])
        documents.append(doc)
    link = {"relationship_wave": None}
    pulse_means = partner_scores(transactional, "q_score", nps=False)
    for relationship in _recent_relationship_waves(repos, {t.survey_id for t in program.event_types}):
        survey = repos.surveys.get(relationship.survey_id, relationship.survey_version)
        nps_id = next((q.id for s in survey.sections for q in s.questions if q.type == "nps"), None)
        if nps_id is None:
            continue
        answers = list(repos.responses.for_wave(relationship.wave_id))
        rel = partner_scores(answers, nps_id, nps=True)
        found = {"relationship_wave": relationship.wave_id, **link_analysis(pulse_means, rel)}
        if found["partners"] > link.get("partners", -1):
            link, linked = found, (answers, set(rel.index) & set(pulse_means.index))
    if members is not None and link["relationship_wave"]:
        _link_members(members, transactional, *linked)
    months = [f"{now:%Y-%m}", f"{(now.replace(day=1) - timedelta(days=1)):%Y-%m}"]
    return {"schema": SCHEMA, "built_at": iso(now), "threshold": threshold, "min_partners": min_partners,
            "event_types": documents, "link": link,
            "skipped": {month: dict(sorted(store.skipped_counts(month).items())) for month in months}}


def _link_members(members: dict, transactional: list, relationship: list, partners: set) -> None:
    """The link's inputs: the pulse responses and relationship responses of the partners it joins."""
    for r in transactional:
        if r.invitation_id in members:
            members[r.invitation_id]["link"] = "yes" if r.partner_id in partners else "no"
    for r in relationship:
        if r.partner_id in partners and r.status == "submitted":
            members[f"rel:{r.invitation_id}"] = {"version": r.version, "link": "yes"}


def publish_pulse_results(repos, store, program, now: datetime, threshold: int = 5, min_partners: int = 3) -> dict:
    """Build and store the live document, then release it to its readers when no group changed by
    1..k-1 responses since the last release (``pulse_release``); returns the release record."""
    from .pulse_release import release_pulse_results

    members: dict = {}
    doc = build_pulse_results(repos, store, program, now, threshold, min_partners, members=members)
    store.put_results(doc, now)
    return release_pulse_results(store, doc, members, now)


def refresh_if_stale(repos, store, program, now: datetime) -> bool:
    """Rebuild and store the results when older than STALE_AFTER (or missing); True when rebuilt."""
    if not program.event_types:
        return False
    current = store.results()
    if current and now - parse_instant(current["built_at"]) < STALE_AFTER:
        return False
    publish_pulse_results(repos, store, program, now)
    return True
