from pathlib import Path

import pytest
import yaml

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.survey import localized, parse_survey_definition
from tests.builders import survey_definition

ROOT = Path(__file__).resolve().parents[2]


def problems_of(definition) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_survey_definition(definition)
    return {p.field: p.message for p in caught.value.problems}


def test_example_definition_parses_with_every_question_type():
    definition = yaml.safe_load((ROOT / "examples" / "partner-experience.yaml").read_text("utf-8"))
    survey = parse_survey_definition(definition)
    types = {q.type for q in survey.questions()}
    assert types == {"nps", "rating", "single_choice", "multi_choice", "text"}
    assert survey.languages == ("en", "es", "ja", "de")
    assert survey.question("q_sat_poc").program == "proof_of_concept"


def test_plain_string_means_english_and_falls_back():
    survey = parse_survey_definition(survey_definition())
    question = survey.question("q_nps")
    assert question.text == {"en": "Recommend us?"}
    assert localized(question.text, "es") == "Recommend us?"
    assert localized(survey.title, "es") == "Encuesta"


def test_nps_gets_default_end_labels():
    question = parse_survey_definition(survey_definition()).question("q_nps")
    assert question.low_label["en"] == "Not at all likely"
    assert question.high_label["en"] == "Extremely likely"


def test_every_problem_is_reported_with_its_path():
    definition = survey_definition(version=0, languages=["en", "xx-yy"])
    questions = definition["sections"][1]["questions"]
    questions[0]["scale"] = 10
    questions[1]["options"] = [{"id": "only", "label": "One"}]
    questions.append({"id": "q_nps", "type": "essay", "text": "dup"})
    problems = problems_of(definition)
    assert problems["version"].startswith("must be a whole number")
    assert "languages[1]" in problems
    assert problems["sections[1].questions[0].scale"] == "must be 5 or 7"
    assert "at least two options" in problems["sections[1].questions[1].options"]
    assert "duplicate id" in problems["sections[1].questions[3].id"]
    assert "must be one of" in problems["sections[1].questions[3].type"]


def test_english_text_is_required_and_languages_must_be_declared():
    definition = survey_definition()
    definition["sections"][0]["questions"][0]["text"] = {"es": "¿Recomendaría?", "fr": "Recommander ?"}
    problems = problems_of(definition)
    assert "'en'" in problems["sections[0].questions[0].text"]
    assert "languages" in problems["sections[0].questions[0].text.fr"]


def test_rating_needs_end_labels_and_unknown_keys_are_rejected():
    definition = survey_definition()
    rating = definition["sections"][1]["questions"][0]
    del rating["labels"]
    rating["colour"] = "red"
    problems = problems_of(definition)
    assert "labels" in problems["sections[1].questions[0].labels"]
    assert problems["sections[1].questions[0].colour"] == "unknown key"


def test_normalised_form_parses_back_to_the_same_survey():
    survey = parse_survey_definition(survey_definition())
    assert parse_survey_definition(survey.to_dict()) == survey


def test_non_mapping_definition_is_rejected():
    assert problems_of(["not", "a", "mapping"]) == {"(root)": "a survey definition must be a mapping"}


def test_a_program_tagged_question_everyone_is_shown_is_refused_with_its_line(tmp_path):
    """Its results would describe the program's partners, yet every partner answers it."""
    import yaml
    from click.testing import CliRunner

    from pulse_cli.main import cli
    from tests.builders import survey_definition

    tagged = survey_definition()
    tagged["sections"][1]["questions"][0]["program"] = "partner_connect"
    PROGRAM = str(Path(__file__).resolve().parents[2] / "examples" / "program.yaml")
    path = tmp_path / "survey.yaml"
    path.write_text(yaml.safe_dump(tagged, sort_keys=False), encoding="utf-8")
    refused = CliRunner().invoke(cli, ["survey", "validate", str(path), "--program", PROGRAM])
    assert refused.exit_code == 2
    line = next(i for i, text in enumerate(path.read_text().splitlines(), start=1) if "partner_connect" in text)
    assert f"{path}:{line}" in refused.output and "tags a question everyone is shown" in refused.output
    # limited to the program's partners (or to those who said they used it): accepted
    for condition in ({"partner": "programs", "includes": "partner_connect"},
                      {"all": [{"partner": "tier", "in": ["advanced"]},
                               {"question": "q_programs", "includes": "partner_to_partner"}]}):
        limited = survey_definition()
        moved = limited["sections"][1]["questions"]
        if "question" in str(condition):  # the tagged question must come after q_programs
            moved.append({**moved.pop(0), "program": "partner_to_partner", "show_if": condition})
        else:
            moved[0].update(program="partner_connect", show_if=condition)
        path.write_text(yaml.safe_dump(limited, sort_keys=False), encoding="utf-8")
        result = CliRunner().invoke(cli, ["survey", "validate", str(path), "--program", PROGRAM])
        assert result.exit_code == 0, result.output
