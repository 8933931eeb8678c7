"""The survey logic: show_if evaluation, validation (look back only, no cycles), N/A, matrix, piping."""
import pytest

from chalicelib.domain.answers import validate_answers
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.logic import eligible, evaluate
from chalicelib.domain.survey import parse_survey_definition, pipe
from tests.logic.builders import ADVANCED, ENROLLED, logic_definition


@pytest.fixture(scope="module")
def survey():
    return parse_survey_definition(logic_definition())


def shown(survey, partner, answers) -> list[str]:
    return [q.id for q in survey.visible_questions(partner, answers)]


def problems_of(definition) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_survey_definition(definition)
    return {p.field: p.message for p in caught.value.problems}


@pytest.mark.parametrize("condition, answers, partner, expected", [
    ({"question": "a", "equals": "x"}, {"a": "x"}, None, True),
    ({"question": "a", "equals": "x"}, {"a": "y"}, None, False),
    ({"question": "a", "in": ["x", "y"]}, {"a": "y"}, None, True),
    ({"question": "m", "includes": "p"}, {"m": ["q", "p"]}, None, True),
    ({"question": "m", "includes": "p"}, {"m": ["q"]}, None, False),
    ({"question": "n", "min": 0, "max": 6}, {"n": 6}, None, True),
    ({"question": "n", "min": 0, "max": 6}, {"n": 7}, None, False),
    ({"question": "n", "min": 3}, {"n": "na"}, None, False),  # not applicable is outside every range
    ({"question": "n", "max": 6}, {}, None, False),  # unanswered never matches a comparison
    ({"question": "n", "answered": False}, {}, None, True),
    ({"question": "x.r", "max": 2}, {"x": {"r": 1}}, None, True),
    ({"partner": "tier", "equals": "gold"}, {}, {"tier": "gold"}, True),
    ({"partner": "programs", "includes": "poc"}, {}, {"programs": ["poc"]}, True),
    ({"partner": "programs", "in": ["a", "b"]}, {}, {"programs": ["c"]}, False),
    ({"all": [{"partner": "region", "equals": "EMEA"}, {"question": "n", "min": 9}]}, {"n": 9},
     {"region": "EMEA"}, True),
    ({"any": [{"partner": "region", "equals": "APJ"}, {"question": "n", "min": 9}]}, {"n": 3},
     {"region": "EMEA"}, False),
    ({"not": {"question": "n", "min": 9}}, {"n": 3}, None, True),
])
def test_conditions_evaluate(condition, answers, partner, expected):
    assert evaluate(condition, answers, partner) is expected


def test_questions_follow_answers_and_partner_attributes(survey):
    assert shown(survey, ENROLLED, {"q_nps": 9}) == ["q_nps", "q_programs", ]
    assert shown(survey, ENROLLED, {"q_nps": 3, "q_programs": ["technical_assessment"]}) == [
        "q_nps", "q_why_low", "q_programs", "q_sat_ta"]
    advanced = shown(survey, ADVANCED, {"q_nps": 10, "q_matrix": {"payouts": 4}})
    assert advanced == ["q_nps", "q_programs", "q_matrix"]
    assert "q_payouts_why" in shown(survey, ADVANCED, {"q_nps": 7})


def test_hidden_questions_are_not_required_and_answers_to_them_are_refused(survey):
    assert validate_answers(survey, {"q_nps": 9}, partner=ENROLLED) == {"q_nps": 9}
    with pytest.raises(InvalidInput) as caught:
        validate_answers(survey, {"q_nps": 9, "q_why_low": "pricing", "q_sat_ta": 4}, partner=ENROLLED)
    fields = {p.field: p.message for p in caught.value.problems}
    assert set(fields) == {"answers.q_why_low", "answers.q_sat_ta"}
    assert "hidden by the survey's logic" in fields["answers.q_why_low"]
    with pytest.raises(InvalidInput) as caught:  # shown and required: now it is missing
        validate_answers(survey, {"q_nps": 2}, partner=ENROLLED)
    assert [p.field for p in caught.value.problems] == ["answers.q_why_low"]


def test_not_applicable_is_stored_distinctly_and_matrix_rows_share_a_scale(survey):
    answers = {"q_nps": 10, "q_programs": ["technical_assessment"], "q_sat_ta": "na",
               "q_matrix": {"portal": 5, "support": "na", "payouts": 1}, "q_payouts_why": "late"}
    clean = validate_answers(survey, answers, partner=ADVANCED)
    assert clean["q_sat_ta"] == "na" and clean["q_matrix"] == {"portal": 5, "support": "na", "payouts": 1}
    with pytest.raises(InvalidInput) as caught:
        validate_answers(survey, {**answers, "q_matrix": {"portal": 9, "speed": 3}}, partner=ADVANCED)
    assert "unknown row(s) speed" in caught.value.problems[0].message
    with pytest.raises(InvalidInput) as caught:  # a required matrix needs every row
        validate_answers(survey, {**answers, "q_matrix": {"portal": 5}, "q_payouts_why": ""}, partner=ADVANCED)
    assert [p.field for p in caught.value.problems] == ["answers.q_matrix"]
    with pytest.raises(InvalidInput):
        validate_answers(survey, {"q_nps": "na"}, partner=ENROLLED)  # nps has no N/A


def test_eligible_counts_the_population_a_question_was_asked_of(survey):
    q_sat_ta, q_matrix = survey.question("q_sat_ta"), survey.question("q_matrix")
    assert eligible(q_sat_ta, ENROLLED, {"q_programs": ["technical_assessment"]})
    assert not eligible(q_sat_ta, ENROLLED, {"q_programs": []})
    assert eligible(q_matrix, ADVANCED, {}) and not eligible(q_matrix, ENROLLED, {})
    assert eligible(survey.question("q_nps"), None, {})


def test_logic_may_only_look_back():
    definition = logic_definition()
    definition["sections"][0]["questions"][0]["show_if"] = {"question": "q_programs", "answered": True}
    found = problems_of(definition)
    assert "which does not come before this question" in found["sections[0].questions[0].show_if.question"]


def test_cycles_are_refused_once():
    definition = logic_definition()
    first = definition["sections"][0]["questions"]
    first[2]["show_if"] = {"question": "q_sat_ta", "answered": True}  # q_programs <-> q_sat_ta
    found = problems_of(definition)
    cycle = [m for m in found.values() if "cycle" in m]
    assert cycle == ["forms a cycle: q_programs → q_sat_ta → q_programs"]
    self_ref = logic_definition()
    self_ref["sections"][0]["questions"][1]["show_if"] = {"question": "q_why_low", "answered": True}
    assert "cycle: q_why_low → q_why_low" in problems_of(self_ref)["sections[0].questions[1].show_if.question"]


@pytest.mark.parametrize("condition, field, words", [
    ({"question": "q_nope", "equals": 1}, "show_if.question", "unknown question 'q_nope'"),
    ({"question": "q_nps", "includes": "x"}, "show_if.includes", "multi_choice"),
    ({"question": "q_programs", "includes": "webinars"}, "show_if.includes", "not an option"),
    ({"question": "q_nps", "min": "high"}, "show_if.min", "must be a number"),
    ({"partner": "colour", "equals": "red"}, "show_if.partner", "must be one of"),
    ({"partner": "tier", "includes": "gold"}, "show_if.includes", "compared with equals or in"),
    ({"question": "q_nps", "equals": 1, "includes": 2}, "show_if", "combine only min and max"),
    ({"any": []}, "show_if.any", "non-empty list"),
])
def test_bad_conditions_name_their_path(condition, field, words):
    definition = logic_definition()
    definition["sections"][0]["questions"][3]["show_if"] = condition
    found = problems_of(definition)
    assert words in found[f"sections[0].questions[3].{field}"]


def test_definition_round_trips_with_logic(survey):
    again = parse_survey_definition(survey.to_dict())
    assert again == survey and again.question("q_matrix").items == survey.question("q_matrix").items


def test_piping_fills_partner_name_and_tier_label(survey):
    text = survey.question("q_nps").text["en"]
    assert pipe(text, {"name": "Nordwave"}) == "How likely is Nordwave to recommend us?"
    assert pipe("For {partner.tier} partners", {"tier": "gold"}, lambda d, v: v.title()) == "For Gold partners"
    bad = logic_definition()
    bad["title"] = "Hello {partner.email}"
    assert "{partner.email} is not one of" in problems_of(bad)["title.en"]


def test_estimated_duration_grows_with_the_questions(survey):
    small = parse_survey_definition({"id": "s", "version": 1, "title": "S", "sections": [
        {"id": "a", "title": "A", "questions": [{"id": "q", "type": "nps", "text": "Q?"}]}]})
    assert small.estimated_minutes() == 1 and survey.estimated_minutes() > small.estimated_minutes()
