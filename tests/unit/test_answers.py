import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.answers import parse_submission_body, validate_answers, validate_language
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.survey import parse_survey_definition
from tests.builders import VALID_ANSWERS, survey_definition

SURVEY = parse_survey_definition(survey_definition())


def problems(answers, partial=False) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        validate_answers(SURVEY, answers, partial=partial)
    return {p.field: p.message for p in caught.value.problems}


def test_valid_answers_are_normalised():
    clean = validate_answers(SURVEY, {**VALID_ANSWERS, "q_comment": "  Great portal \r\n",
                                      "q_programs": ["proof_of_concept", "technical_assessment"]})
    assert clean["q_comment"] == "Great portal"
    assert clean["q_programs"] == ["technical_assessment", "proof_of_concept"]  # definition order


@pytest.mark.parametrize("field,value,expected", [
    ("q_nps", 11, "must be from 0 to 10"),
    ("q_nps", -1, "must be from 0 to 10"),
    ("q_nps", 7.5, "must be a whole number from 0 to 10"),
    ("q_nps", True, "must be a whole number from 0 to 10"),
    ("q_nps", "9", "must be a whole number from 0 to 10"),
    ("q_portal", 6, "must be from 1 to 5"),
    ("q_portal", 0, "must be from 1 to 5"),
    ("q_model", "direct", "must be one of: resale, services"),
    ("q_programs", "proof_of_concept", "must be a list of option ids"),
    ("q_programs", ["proof_of_concept", "proof_of_concept"], "lists an option twice"),
    ("q_comment", "x" * 51, "is 51 characters long; the limit is 50"),
    ("q_comment", 42, "must be text"),
])
def test_bad_values_name_the_field(field, value, expected):
    assert problems({**VALID_ANSWERS, field: value})[f"answers.{field}"].startswith(expected)


def test_unknown_question_is_rejected():
    assert problems({**VALID_ANSWERS, "q_ghost": 1}) == {"answers.q_ghost": "is not a question of this survey"}


def test_missing_required_answers_are_listed_unless_partial():
    assert problems({"q_comment": "hi"}) == {"answers.q_nps": "is required", "answers.q_portal": "is required"}
    assert validate_answers(SURVEY, {"q_comment": "hi"}, partial=True) == {"q_comment": "hi"}


def test_blank_required_answer_counts_as_missing():
    assert problems({**VALID_ANSWERS, "q_nps": None}) == {"answers.q_nps": "is required"}


def test_language_must_be_offered_by_the_survey():
    assert validate_language(SURVEY, "es") == "es"
    with pytest.raises(InvalidInput) as caught:
        validate_language(SURVEY, "fr")
    assert caught.value.problems[0].field == "language"


@pytest.mark.parametrize("body,field", [
    ([], "(body)"),
    ({"language": "en"}, "answers"),
    ({"answers": {}}, "language"),
    ({"answers": {}, "language": "en", "final": "yes"}, "final"),
    ({"answers": {}, "language": "en", "extra": 1}, "extra"),
])
def test_submission_body_shape(body, field):
    with pytest.raises(InvalidInput) as caught:
        parse_submission_body(body)
    assert field in [p.field for p in caught.value.problems]


@given(st.integers(min_value=-1000, max_value=1000))
def test_nps_accepts_exactly_zero_to_ten(score):
    answers = {**VALID_ANSWERS, "q_nps": score}
    if 0 <= score <= 10:
        assert validate_answers(SURVEY, answers)["q_nps"] == score
    else:
        with pytest.raises(InvalidInput):
            validate_answers(SURVEY, answers)


@given(st.dictionaries(st.text(max_size=8), st.one_of(st.none(), st.integers(), st.text(max_size=60),
                                                       st.lists(st.text(max_size=20), max_size=4))))
def test_validator_never_crashes_and_only_returns_known_questions(answers):
    try:
        clean = validate_answers(SURVEY, answers, partial=True)
    except InvalidInput as error:
        assert error.problems and all(p.field.startswith("answers") for p in error.problems)
    else:
        assert set(clean) <= {q.id for q in SURVEY.questions()}
