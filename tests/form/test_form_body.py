"""Form-encoded posts become the same answer shapes the JSON API takes."""
import pytest

from chalicelib.domain.survey import parse_survey_definition
from chalicelib.web.errors import HttpProblem
from chalicelib.web.form_body import decode_form, parse_survey_post
from tests.builders import survey_definition

SURVEY = parse_survey_definition(survey_definition())


def parse(body: bytes):
    return parse_survey_post(decode_form(body, 65536), SURVEY)


def test_scales_become_numbers_choices_lists_and_text_stays_text():
    post = parse(b"_lang=es&q_nps=9&q_portal=4&q_model=services&q_programs=proof_of_concept"
                 b"&q_programs=partner_to_partner&q_comment=caf%C3%A9+%3Cb%3E")
    assert post.answers == {"q_nps": 9, "q_portal": 4, "q_model": "services",
                            "q_programs": ["proof_of_concept", "partner_to_partner"], "q_comment": "café <b>"}
    assert post.language == "es" and post.final is True
    assert post.submission_body("en") == {"answers": post.answers, "language": "es", "final": True}


def test_save_action_makes_a_partial_submission():
    post = parse(b"_action=save&q_comment=later")
    assert post.final is False and post.submission_body("ja")["language"] == "ja"


def test_values_that_do_not_fit_are_passed_on_for_validation_to_reject():
    post = parse(b"q_nps=nine&q_model=resale&q_model=services&q_unknown=1&q_nps_extra=")
    assert post.answers == {"q_nps": "nine", "q_model": ["resale", "services"], "q_unknown": "1",
                            "q_nps_extra": ""}
    assert post.raw["q_model"] == ["resale", "services"]


def test_bad_encoding_and_oversized_bodies_are_http_problems():
    with pytest.raises(HttpProblem) as bad:
        decode_form(b"q_comment=%FF", 1000)
    assert bad.value.status == 400
    with pytest.raises(HttpProblem) as big:
        decode_form(b"x" * 1001, 1000)
    assert big.value.status == 413
    with pytest.raises(HttpProblem):
        decode_form("q=é".encode(), 1000)  # raw non-ASCII is not form encoding
