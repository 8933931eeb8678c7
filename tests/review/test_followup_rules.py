"""Follow-up rules per program: detractors, passives with a negative comment; promoters never for tone."""
import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.responses import Response
from chalicelib.services.followup_rules import DEFAULT_RULES, FollowupRules, parse_rules, rules_for
from chalicelib.services.followups import followups_for
from tests.builders import make_partner


@pytest.mark.parametrize(("nps", "negative", "expected"), [
    (0, False, ["detractor"]), (6, True, ["detractor", "negative_comment"]), (7, False, []),
    (8, True, ["negative_comment"]), (9, True, []), (10, False, []), (None, True, ["negative_comment"]),
])
def test_default_rules_flag_detractors_and_negative_passives_but_never_promoters_for_tone(nps, negative, expected):
    assert DEFAULT_RULES.reasons(nps, negative) == expected


def test_a_program_can_flag_promoters_too_or_drop_passives():
    rules = parse_rules('{"default": {"passives_with_negative_comment": false}, '
                        '"px": {"promoters_with_negative_comment": true, "detractor_max": 4}}')
    assert rules_for(rules, "other").reasons(8, True) == []
    px = rules_for(rules, "px")
    assert px.reasons(9, True) == ["negative_comment"] and px.reasons(5, False) == []
    assert px.passives_with_negative_comment is False  # inherits the default's override


@pytest.mark.parametrize(("text", "field"), [
    ("{not json", "PULSE_FOLLOWUP_RULES"), ('{"px": {"colour": 1}}', "PULSE_FOLLOWUP_RULES.px.colour"),
    ('{"px": {"detractor_max": 11}}', "PULSE_FOLLOWUP_RULES.px.detractor_max"),
    ('{"default": {"passives_with_negative_comment": "yes"}}',
     "PULSE_FOLLOWUP_RULES.default.passives_with_negative_comment"),
])
def test_bad_rules_name_the_setting(text, field):
    with pytest.raises(InvalidInput) as caught:
        parse_rules(text)
    assert caught.value.problems[0].field == field


def _response(invitation_id, nps, answers=None, contact_id=None):
    return Response(invitation_id=invitation_id, wave_id="w", survey_id="s", survey_version=1,
                    partner_id="P001", contact_id=contact_id, language="en",
                    answers={"q_nps": nps, **(answers or {})}, status="submitted", version=1,
                    created_at="t", updated_at="t", submitted_at="t", partner={"tier": "advanced"})


class _Survey:
    consent_question = "q_consent"

    def __init__(self, identified):
        self.reporting = "identified" if identified else "aggregate"


def test_follow_ups_only_for_contacts_who_consented_on_an_identified_survey():
    from datetime import UTC, datetime

    partner = make_partner("P001", contacts=2)
    contact = partner.contacts[1]
    responses = [_response("i-prom", 10, contact_id=contact.contact_id),
                 _response("i-pass", 7, {"q_consent": "yes"}, contact.contact_id),
                 _response("i-det", 2, {"q_consent": "no"}, contact.contact_id),
                 _response("i-det2", 1, contact_id=contact.contact_id)]
    comments = [{"id": f"{r.invitation_id}.{q}", "invitation_id": r.invitation_id, "text": "awful", "label": "negative"}
                for r in responses for q in ("q1", "q2")]
    now = datetime(2026, 3, 1, tzinfo=UTC)
    out = followups_for(responses, comments, {"P001": partner}, "q_nps", lambda c: True, 5, now,
                        FollowupRules(), _Survey(identified=True))
    # the detractors who said "no" (or did not answer) get none: consent gates every follow-up
    assert [f["invitation_id"] for f in out] == ["i-pass"]
    assert out[0]["contact_name"] == contact.name and out[0]["contact_email"] == contact.email
    anonymous = followups_for(responses, comments, {"P001": partner}, "q_nps", lambda c: True, 5, now,
                              FollowupRules(), _Survey(identified=False))
    assert anonymous == []
    assert followups_for(responses, comments, {"P001": partner}, "q_nps", lambda c: True, 5, now,
                         FollowupRules(), None) == []
