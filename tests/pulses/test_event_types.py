"""``event_types`` in the program file: parsed, round-tripped, each problem located at FILE:LINE:COLUMN."""
import pytest
from click.testing import CliRunner

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.program import parse_program_definition
from chalicelib.domain.pulses import pulse_survey_definition, pulse_wave_id
from chalicelib.domain.survey import parse_survey_definition
from pulse_cli.main import cli
from tests.pulses.builders import program_definition

BAD_PROGRAM = """\
version: 1
tiers: [enrolled, advanced]
regions: [EMEA]
programs: [proof_of_concept]
event_types:
  - id: poc_funded
    program: proof_of_concept
    attributes:
      outcome: {type: colour, required: true}
    delay_days: 20
    expiry_days: 10
  - id: Bad-Id
"""


def test_event_types_parse_and_survive_the_stored_form():
    program = parse_program_definition(program_definition())
    poc = program.event_type("poc_funded")
    assert (poc.delay_days, poc.expiry_days, poc.ask, poc.program) == (2, 14, "event_contact", "proof_of_concept")
    assert poc.attribute("outcome").allowed == ("funded", "declined") and poc.attribute("outcome").required
    assert parse_program_definition(program.to_dict()).event_types == program.event_types


def test_each_event_type_has_a_short_pulse_survey_in_its_languages():
    from datetime import UTC, datetime

    program = parse_program_definition(program_definition())
    survey = parse_survey_definition(pulse_survey_definition(program.event_type("poc_funded"), program.version))
    questions = [q for s in survey.sections for q in s.questions]
    assert [(q.id, q.type) for q in questions] == [("q_score", "nps"), ("q_ease", "rating"), ("q_comment", "text")]
    assert survey.languages == ("en", "es") and "financiación" in questions[0].text["es"]
    assert pulse_wave_id("poc_funded", datetime(2026, 12, 31, 23, 0, tzinfo=UTC)) == "pulse-poc-funded-2026-12"


@pytest.mark.parametrize("change, field", [
    ({"attributes": {"outcome": {"type": "colour"}}}, "event_types[0].attributes.outcome.type"),
    ({"attributes": {"outcome": {"allowed": "funded"}}}, "event_types[0].attributes.outcome.allowed"),
    ({"delay_days": 30, "expiry_days": 14}, "event_types[0].expiry_days"),
    ({"ask": "everyone"}, "event_types[0].ask"),
    ({"program": "golf_days"}, "event_types[0].program"),
    ({"pulse": {"languages": ["es"]}}, "event_types[0].pulse.languages"),
    ({"pulse": {"question": {"fr": "Bonjour"}}}, "event_types[0].pulse.question.fr"),
    ({"sound": "loud"}, "event_types[0].sound"),
])
def test_a_bad_event_type_names_its_path(change, field):
    definition = program_definition()
    definition["event_types"][0].update(change)
    with pytest.raises(InvalidInput) as caught:
        parse_program_definition(definition)
    assert field in [p.field for p in caught.value.problems]


def test_program_validate_locates_event_type_problems_by_line_and_column(tmp_path):
    path = tmp_path / "program.yaml"
    path.write_text(BAD_PROGRAM)
    result = CliRunner().invoke(cli, ["program", "validate", str(path)])
    assert result.exit_code != 0
    assert f"{path}:9:17: event_types[0].attributes.outcome.type" in result.output
    assert f"{path}:11:5: event_types[0].expiry_days" in result.output
    assert f"{path}:12:5: event_types[1].id" in result.output
