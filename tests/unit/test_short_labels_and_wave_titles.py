"""Short question labels defined in the survey, and wave titles that name a wave in reports."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.survey import parse_survey_definition, survey_to_dict
from chalicelib.domain.waves import check_wave_title

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "partner-experience.yaml"


def _definition(**short_of_first_rating):
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    for section in data["sections"]:
        for question in section["questions"]:
            if question["id"] == "q_sat_incentives":
                question.pop("short", None)
                question.update(short_of_first_rating)
    return data


def test_the_demo_survey_gives_every_rating_question_a_short_label():
    survey = parse_survey_definition(yaml.safe_load(EXAMPLE.read_text("utf-8")))
    shorts = {q.id: q.short for q in survey.questions() if q.type == "rating"}
    assert shorts["q_sat_incentives"] == "Incentive payouts"
    assert all(shorts.values())


@pytest.mark.parametrize("value", ["", "two\nlines", 42, "x" * 41])
def test_a_bad_short_label_is_refused_naming_the_field(value):
    with pytest.raises(InvalidInput) as caught:
        parse_survey_definition(_definition(short=value))
    assert any(p.field.endswith("q_sat_incentives.short") or ".short" in p.field for p in caught.value.problems)


def test_a_short_label_is_optional_and_survives_a_round_trip():
    survey = parse_survey_definition(_definition())
    assert next(q for q in survey.questions() if q.id == "q_sat_incentives").short is None
    again = parse_survey_definition(survey_to_dict(parse_survey_definition(_definition(short="Payouts"))))
    assert next(q for q in again.questions() if q.id == "q_sat_incentives").short == "Payouts"


def test_the_scorecard_document_carries_the_short_label():
    from analysis.frame import question_specs

    specs = {s.id: s for s in question_specs(_definition(short="Payouts"))}
    assert specs["q_sat_incentives"].short == "Payouts"


@pytest.mark.parametrize("title,expected", [(None, None), ("  ", None), (" H1   2026 ", "H1 2026")])
def test_a_wave_title_is_optional_and_tidied(title, expected):
    assert check_wave_title(title) == expected


@pytest.mark.parametrize("title", ["H1\n2026", "x" * 61, 5])
def test_a_bad_wave_title_is_refused_naming_the_field(title):
    with pytest.raises(InvalidInput) as caught:
        check_wave_title(title)
    assert [p.field for p in caught.value.problems] == ["title"]
