"""Small builders for tests: partners, survey definitions, an open wave with invitations."""
from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from chalicelib.domain.partners import Contact, Partner, contact_id_for
from chalicelib.services.ports import Repositories

TEST_SECRET = "test-secret-for-partner-pulse-0123456789"
NOW = datetime.now(UTC).replace(microsecond=0)

SURVEY = {
    "id": "px-test",
    "version": 1,
    "languages": ["en", "es"],
    "title": {"en": "Partner survey", "es": "Encuesta"},
    "sections": [
        {"id": "overall", "title": "Overall", "questions": [
            {"id": "q_nps", "type": "nps", "required": True, "text": "Recommend us?"},
            {"id": "q_comment", "type": "text", "max_length": 50, "text": "Why?"},
        ]},
        {"id": "details", "title": "Details", "questions": [
            {"id": "q_portal", "type": "rating", "scale": 5, "required": True,
             "topic": "partner_portal", "text": "Portal?",
             "labels": {"low": "Very dissatisfied", "high": "Very satisfied"}},
            {"id": "q_model", "type": "single_choice", "text": "Model?",
             "options": [{"id": "resale", "label": "Resale"}, {"id": "services", "label": "Services"}]},
            {"id": "q_programs", "type": "multi_choice", "text": "Programs?",
             "options": [{"id": "technical_assessment", "label": "TA"},
                         {"id": "proof_of_concept", "label": "PoC"},
                         {"id": "partner_to_partner", "label": "P2P"}]},
        ]},
    ],
}

VALID_ANSWERS = {"q_nps": 9, "q_comment": "Great portal", "q_portal": 4,
                 "q_model": "services", "q_programs": ["proof_of_concept"]}


def survey_definition(**overrides) -> dict:
    definition = copy.deepcopy(SURVEY)
    definition.update(overrides)
    return definition


def make_partner(partner_id: str = "P001", contacts: int = 1, **overrides) -> Partner:
    partner = Partner(
        partner_id=partner_id, name=f"Partner {partner_id}", tier="advanced", region="EMEA",
        country="DE", partner_types=("reseller",), transacting=True,
        annual_revenue=Decimal("125000"), programs=("proof_of_concept",),
        account_manager_email="am@vendor.example",
        contacts=tuple(Contact(contact_id_for(f"c{i}.{partner_id}@partner.example"), f"Contact {i}",
                               f"c{i}.{partner_id}@partner.example".lower(), "en")
                       for i in range(contacts)),
    )
    return replace(partner, **overrides)


def make_repositories(table) -> Repositories:
    from chalicelib.storage.invitations import DynamoInvitationRepository
    from chalicelib.storage.partners import DynamoPartnerRepository
    from chalicelib.storage.programs import DynamoProgramRepository
    from chalicelib.storage.responses import DynamoResponseRepository
    from chalicelib.storage.surveys import DynamoSurveyRepository
    from chalicelib.storage.waves import DynamoWaveRepository

    return Repositories(
        surveys=DynamoSurveyRepository(table), partners=DynamoPartnerRepository(table),
        waves=DynamoWaveRepository(table), invitations=DynamoInvitationRepository(table),
        responses=DynamoResponseRepository(table), health=table,
        programs=DynamoProgramRepository(table))


def given_open_wave(table, tokens, partners: list[Partner] | None = None, wave_id: str = "w-test",
                    now: datetime = NOW, definition: dict | None = None):
    """Publish the test survey, import partners, open a wave, create invitations.

    Returns (repositories, list of invitation links).
    """
    from chalicelib.services.catalogue import open_wave, publish_survey
    from chalicelib.services.invitations import create_invitations

    repos = make_repositories(table)
    publish_survey(repos, definition or survey_definition(), now)
    repos.partners.put_many(partners or [make_partner()], "2026-01-01T00:00:00Z")
    open_wave(repos, (definition or SURVEY)["id"], wave_id, (now + timedelta(days=30)).date().isoformat(), now)
    links = create_invitations(repos, tokens, wave_id, "http://pulse.test", now)
    return repos, links


def token_of(link) -> str:
    return link.url.rsplit("/", 1)[1]


def restore_environment(saved: dict) -> None:
    """Put back the environment variables a fixture changed (None: was unset), then drop cached adapters."""
    import os

    from chalicelib import wiring
    from chalicelib.services import results

    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    wiring.reset()
    results.clear_cache()
