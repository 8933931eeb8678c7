"""The repository contract, run against moto and against DynamoDB Local over HTTP."""
from dataclasses import replace

import pytest

from chalicelib.domain.errors import ConcurrentUpdate, InvitationNotFound, VersionConflict, WaveClosed
from chalicelib.domain.survey import parse_survey_definition
from chalicelib.domain.waves import CLOSED
from chalicelib.services.submissions import submit_response
from tests.builders import (
    NOW,
    VALID_ANSWERS,
    given_open_wave,
    make_partner,
    make_repositories,
    survey_definition,
    token_of,
)

pytestmark = pytest.mark.usefixtures("any_table")


def test_published_version_is_immutable(any_table):
    repos = make_repositories(any_table)
    survey = parse_survey_definition(survey_definition())
    assert repos.surveys.publish(survey, "2026-01-01T00:00:00Z") == "created"
    assert repos.surveys.publish(survey, "2026-01-02T00:00:00Z") == "unchanged"
    changed = parse_survey_definition(survey_definition(title="Changed"))
    with pytest.raises(VersionConflict):
        repos.surveys.publish(changed, "2026-01-03T00:00:00Z")
    assert repos.surveys.get("px-test", 1).title == {"en": "Partner survey", "es": "Encuesta"}


def test_latest_version_is_the_highest(any_table):
    repos = make_repositories(any_table)
    for version in (1, 2, 10):
        repos.surveys.publish(parse_survey_definition(survey_definition(version=version)), "t")
    assert repos.surveys.get("px-test").version == 10


def test_partners_round_trip_and_listing_follows_pagination(any_table):
    repos = make_repositories(any_table)
    partners = [make_partner(f"P{i:03d}", contacts=2) for i in range(30)]
    assert repos.partners.put_many(partners, "t") == 30
    assert repos.partners.get("P007") == partners[7]
    pages = list(any_table.query_all("PARTNERS", index="GSI1", page_size=7))
    assert len(pages) == 30
    assert {p.partner_id for p in repos.partners.all()} == {p.partner_id for p in partners}


def test_invitations_are_created_once(any_table, tokens):
    repos, links = given_open_wave(any_table, tokens, [make_partner("P1", contacts=3)])
    assert [link.new for link in links] == [True, True, True]
    again = repos.invitations.add_new([link.invitation for link in links])
    assert again == []
    assert len(repos.invitations.for_wave("w-test")) == 3


def test_response_is_written_once_then_updated_by_version(any_table, tokens):
    repos, [link] = given_open_wave(any_table, tokens)
    ctx = repos.responses.submission_context(link.invitation.invitation_id, "P001", "w-test")
    assert ctx.invitation.invitation_id == link.invitation.invitation_id and ctx.response is None
    wave = ctx.wave
    first = submit_response(repos, tokens, token_of(link), {"answers": VALID_ANSWERS, "language": "en"}, NOW)
    response = first.response
    with pytest.raises(ConcurrentUpdate):
        repos.responses.save(response, None, wave, "2026-01-01T00:00:00Z")
    with pytest.raises(ConcurrentUpdate):
        repos.responses.save(replace(response, version=3), 2, wave, "2026-01-01T00:00:00Z")
    repos.responses.save(replace(response, version=2, answers={"q_nps": 3}), 1, wave, "2026-01-01T00:00:00Z")
    stored = repos.responses.get(link.invitation.invitation_id)
    assert (stored.version, stored.answers) == (2, {"q_nps": 3})
    assert repos.invitations.get(link.invitation.invitation_id).state == "submitted"


def test_closed_wave_and_missing_invitation_cancel_the_write(any_table, tokens):
    repos, [link] = given_open_wave(any_table, tokens)
    ctx = repos.responses.submission_context(link.invitation.invitation_id, "P001", "w-test")
    response = submit_response(repos, tokens, token_of(link), {"answers": VALID_ANSWERS, "language": "en"},
                               NOW).response
    ghost = replace(response, invitation_id="ghost", version=1)
    with pytest.raises(InvitationNotFound):
        repos.responses.save(ghost, None, ctx.wave, "2026-01-01T00:00:00Z")
    assert repos.responses.get("ghost") is None
    assert repos.waves.close("w-test", "2026-01-01T00:00:00Z") is True
    assert repos.waves.close("w-test", "2026-01-01T00:00:00Z") is False
    with pytest.raises(WaveClosed):
        repos.responses.save(replace(response, version=2), 1, ctx.wave, "2026-01-01T00:00:00Z")
    assert repos.waves.get("w-test").status == CLOSED
    assert repos.responses.get(link.invitation.invitation_id).version == 1


def test_wave_responses_are_listed_across_pages(any_table, tokens):
    partners = [make_partner(f"P{i:02d}") for i in range(12)]
    repos, links = given_open_wave(any_table, tokens, partners)
    for link in links:
        submit_response(repos, tokens, token_of(link), {"answers": VALID_ANSWERS, "language": "en"}, NOW)
    first, next_key = repos.responses.page_for_wave("w-test", page_size=5)
    assert len(first) == 5 and next_key
    assert len(list(repos.responses.for_wave("w-test"))) == 12
