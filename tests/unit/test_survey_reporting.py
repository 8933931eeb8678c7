"""The survey's reporting mode and the consent question that gates identified follow-up."""
import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.survey import parse_survey_definition


def make_definition(**overrides):
    data = {
        "id": "pulse", "version": 1, "title": {"en": "Pulse"},
        "sections": [{"id": "s", "title": {"en": "S"}, "questions": [
            {"id": "q_nps", "type": "nps", "text": {"en": "Recommend?"}},
            {"id": "q_contact", "type": "single_choice", "text": {"en": "May we contact you?"},
             "options": [{"id": "yes", "label": {"en": "Yes"}}, {"id": "no", "label": {"en": "No"}}]},
        ]}],
    }
    data.update(overrides)
    return data


def test_reporting_defaults_to_aggregate_and_nobody_consents():
    survey = parse_survey_definition(make_definition())
    assert survey.reporting == "aggregate"
    assert survey.contact_consented({"q_contact": "yes"}) is False


def test_identified_reporting_follows_the_consent_answer():
    survey = parse_survey_definition(make_definition(reporting="identified", consent_question="q_contact"))
    assert survey.contact_consented({"q_contact": "yes"}) is True
    assert survey.contact_consented({"q_contact": "no"}) is False
    assert survey.contact_consented({}) is False
    again = parse_survey_definition(survey.to_dict())
    assert (again.reporting, again.consent_question) == ("identified", "q_contact")


@pytest.mark.parametrize("overrides, field", [
    ({"reporting": "public"}, "reporting"),
    ({"reporting": "identified"}, "consent_question"),
    ({"reporting": "identified", "consent_question": "q_nps"}, "consent_question"),
    ({"consent_question": "nope"}, "consent_question"),
])
def test_bad_reporting_settings_name_the_field(overrides, field):
    with pytest.raises(InvalidInput) as caught:
        parse_survey_definition(make_definition(**overrides))
    assert field in str(caught.value.problems)
