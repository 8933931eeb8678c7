"""The analysis treats matrix rows like rating items and leaves "not applicable" out of scores."""
from chalicelib.domain.responses import SUBMITTED, Response
from chalicelib.domain.survey import parse_survey_definition
from tests.logic.builders import ADVANCED, logic_definition


def response(n: int, answers: dict) -> Response:
    return Response(invitation_id=f"i{n}", wave_id="w", survey_id="px-logic", survey_version=1,
                    partner_id=f"P{n}", contact_id=f"C{n}", language="en", answers=answers,
                    status=SUBMITTED, version=1, created_at="t", updated_at="t", submitted_at="t",
                    partner={**ADVANCED, "partner_id": f"P{n}"})


def test_matrix_rows_are_rating_items_and_na_is_not_a_score():
    from analysis.frame import question_specs, respondents_from_tidy, tidy_responses

    survey = parse_survey_definition(logic_definition())
    specs = {s.id: s for s in question_specs(survey)}
    assert specs["q_matrix.portal"].type == "rating" and specs["q_matrix.portal"].scale == 5
    records = [response(1, {"q_nps": 9, "q_sat_ta": "na", "q_matrix": {"portal": 5, "support": "na", "payouts": 1}}),
               response(2, {"q_nps": 7, "q_sat_ta": 4, "q_matrix": {"portal": 3, "support": 2, "payouts": 2}})]
    tidy = tidy_responses(records, survey)
    assert sorted(tidy.loc[tidy.question_id == "q_matrix.support", "value"]) == [2.0]
    assert sorted(tidy.loc[tidy.question_id == "q_sat_ta", "value"]) == [4.0]
    wide = respondents_from_tidy(tidy, survey)
    assert wide["q_matrix.portal"].mean() == 4.0
