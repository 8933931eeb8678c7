"""The program definition: validation with paths, defaults, ordering and labels."""
import copy

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.partners import parse_partner_csv
from chalicelib.domain.program import (
    DEFAULT_PROGRAM,
    catalogue_label,
    catalogue_sort_key,
    parse_program_definition,
    program_to_dict,
)
from tests.program.builders import METAL_PROGRAM, metal_csv


def problems(data) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_program_definition(data)
    return {p.field: p.message for p in caught.value.problems}


def test_default_program_is_todays_fixed_model():
    assert DEFAULT_PROGRAM.ids("tier") == ("enrolled", "advanced", "principal")
    assert DEFAULT_PROGRAM.ids("region") == ("AMER", "EMEA", "APJ", "LATAM")
    assert DEFAULT_PROGRAM.ids("program") == ("technical_assessment", "proof_of_concept",
                                              "partner_to_partner", "partner_connect")


def test_demo_program_file_equals_the_default():
    from pathlib import Path

    project_root = Path(__file__).resolve().parents[2]
    import yaml

    data = yaml.safe_load((project_root / "examples" / "program.yaml").read_text("utf-8"))
    demo = parse_program_definition(data)
    from dataclasses import replace

    # issue 27: the demo declares its moments (event types); the default program declares none
    assert demo.event_types and not DEFAULT_PROGRAM.event_types
    assert replace(demo, event_types=()) == DEFAULT_PROGRAM
    assert demo.themes and set(demo.themes) >= {"deal_registration", "partner_portal"}


def test_tiers_follow_their_order_and_labels_are_kept():
    program = parse_program_definition(METAL_PROGRAM)
    assert program.ids("tier") == ("silver", "gold", "platinum")
    assert program.label("tier", "gold") == "Gold"
    assert program.label("tier", "bronze") == "bronze"  # unknown (older) value shown as its id
    assert sorted(["platinum", "zinc", "silver"], key=program.sort_key("tier")) == ["silver", "platinum", "zinc"]
    assert parse_program_definition(program_to_dict(program)) == program


def test_every_problem_is_named_by_its_path():
    bad = copy.deepcopy(METAL_PROGRAM)
    bad["tiers"][1]["order"] = 1
    bad["tiers"].append({"id": "Gold!", "label": "x"})
    bad["regions"] = []
    bad["revenue_currency"] = "euro"
    bad["sender_name"] = "Team <a@b.example>"
    bad["themes"]["pricing"]["phrases"] = {"en": "price"}
    bad["colour"] = "blue"
    found = problems(bad)
    assert found["tiers[1].order"].startswith("is the same as tier 'silver'")
    assert "lowercase" in found["tiers[3].id"]
    assert "non-empty list" in found["regions"]
    assert "currency" in found["revenue_currency"]
    assert "sender_name" in found
    assert "list of phrases" in found["themes.pricing.phrases.en"]
    assert found["colour"] == "unknown key"


def test_themes_must_be_a_mapping_of_theme_ids():
    assert "mapping" in problems({**METAL_PROGRAM, "themes": ["pricing"]})["themes"]


def test_partner_csv_accepts_the_programs_values_and_refuses_others():
    program = parse_program_definition(METAL_PROGRAM)
    kwargs = dict(partner_types=program.ids("partner_type"), programs=program.ids("program"))
    partners = parse_partner_csv(metal_csv(), program.ids("tier"), program.ids("region"), **kwargs)
    assert {p.tier for p in partners} == {"silver", "gold", "platinum"}
    text = metal_csv(1).replace(",silver,NORTH,", ",enrolled,AMER,").replace("co_marketing", "proof_of_concept")
    with pytest.raises(InvalidInput) as caught:
        parse_partner_csv(text, program.ids("tier"), program.ids("region"), **kwargs)
    found = {p.field: p.message for p in caught.value.problems}
    assert found["line 2, column tier"] == "'enrolled' is not one of silver, gold, platinum"
    assert found["line 2, column region"] == "'AMER' is not one of NORTH, DACH"
    assert found["line 2, column programs"] == "'proof_of_concept' is not one of co_marketing, deal_desk"


def test_semicolon_separated_csv_gets_a_delimiter_hint():
    text = metal_csv(1).replace(",", ";")
    with pytest.raises(InvalidInput) as caught:
        parse_partner_csv(text)
    assert "separated by semicolons" in caught.value.problems[0].message


def test_catalogue_orders_and_labels_segments_for_views():
    catalogue = parse_program_definition(METAL_PROGRAM).catalogue()
    assert catalogue_label(catalogue, "tier", "platinum") == "Platinum"
    assert catalogue_label(None, "tier", "platinum") == "platinum"
    top_first = sorted(["gold", "silver", "platinum"], key=catalogue_sort_key(catalogue, "tier", reverse=True))
    assert top_first == ["platinum", "gold", "silver"]


def test_survey_tags_and_partner_conditions_must_exist_in_the_program():
    from chalicelib.domain.survey import parse_survey_definition
    from chalicelib.services.program import survey_program_problems
    from tests.builders import survey_definition

    definition = survey_definition()
    definition["sections"][1]["show_if"] = {"partner": "tier", "in": ["gold", "platinum"]}
    survey = parse_survey_definition(definition)
    assert survey_program_problems(survey, parse_program_definition(
        {**METAL_PROGRAM, "programs": ["partner_connect"]})) == []
    found = [(p.field, p.message.split(" is ")[0]) for p in survey_program_problems(survey, DEFAULT_PROGRAM)]
    assert found == [("sections[1].show_if", "partner tier 'gold'"), ("sections[1].show_if", "partner tier 'platinum'")]


def test_default_nps_end_labels_are_translated():
    from chalicelib.domain.survey import parse_survey_definition
    from tests.builders import survey_definition

    survey = parse_survey_definition(survey_definition())  # languages en, es; the NPS has no labels
    nps = survey.question("q_nps")
    assert nps.low_label == {"en": "Not at all likely", "es": "Nada probable"}
    assert nps.high_label["es"] == "Muy probable"
