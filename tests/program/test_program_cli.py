"""`pulse program validate|apply|show` and a silver/gold/platinum program through import and surveys."""
from pathlib import Path

from tests.builders import make_repositories, survey_definition
from tests.program.builders import METAL_PROGRAM, metal_csv, write

ROOT = Path(__file__).resolve().parents[2]



def test_validate_names_file_line_and_column_once_per_problem(pulse, tmp_path):
    bad = tmp_path / "program.yaml"
    bad.write_text("version: 1\ntiers:\n  - {id: silver, order: 1}\n  - {id: gold, order: 1}\n"
                   "regions: [NORTH]\npartner_types: [msp]\nprograms: [deal_desk]\n", encoding="utf-8")
    result = pulse("program", "validate", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:4:16: tiers[1].order: is the same as tier 'silver'" in result.output
    assert result.output.count("tiers[1].order") == 1


def test_show_prints_the_default_until_a_program_is_applied(pulse, tmp_path):
    shown = pulse("program", "show")
    assert "(default: none applied)" in shown.output and "principal" in shown.output
    program_file = write(tmp_path / "metal.yaml", METAL_PROGRAM)
    assert "program version 1 applied" in pulse("program", "apply", str(program_file)).output
    assert "already applied (identical)" in pulse("program", "apply", str(program_file)).output
    changed = write(tmp_path / "changed.yaml", {**METAL_PROGRAM, "name": "Renamed"})
    conflict = pulse("program", "apply", str(changed))
    assert conflict.exit_code == 1 and "immutable" in conflict.output
    shown = pulse("program", "show").output
    assert "default" not in shown and "platinum" in shown and "enrolled" not in shown


def test_metal_program_flows_through_import_and_survey_tags(pulse, local_table, tmp_path):
    directory = tmp_path / "partners.csv"
    directory.write_text(metal_csv(), encoding="utf-8")
    refused = pulse("partners", "import", str(directory))
    assert refused.exit_code == 2 and "'silver' is not one of enrolled, advanced, principal" in refused.output
    pulse("program", "apply", str(write(tmp_path / "metal.yaml", METAL_PROGRAM)))
    assert "6 new" in pulse("partners", "import", str(directory)).output
    tiers = {p.tier for p in make_repositories(local_table).partners.all()}
    assert tiers == {"silver", "gold", "platinum"}
    # a survey tagging a question with program partner_connect, which this program lacks
    tagged = survey_definition()
    tagged["sections"][1]["questions"][0].update(program="partner_connect",
                                                 show_if={"partner": "programs", "includes": "partner_connect"})
    survey_file = write(tmp_path / "survey.yaml", tagged)
    result = pulse("survey", "create", str(survey_file))
    assert result.exit_code == 2
    assert "program: 'partner_connect' is not an incentive program" in result.output
    assert f"{survey_file}:" in result.output
    definition = survey_definition()
    definition["sections"][1]["questions"][0].update(program="deal_desk",
                                                     show_if={"partner": "programs", "includes": "deal_desk"})
    assert "published" in pulse("survey", "create", str(write(tmp_path / "ok.yaml", definition))).output


def test_survey_validate_warns_about_missing_translations(pulse, tmp_path):
    definition = survey_definition()  # languages en, es; most texts are English only
    result = pulse("survey", "validate", str(write(tmp_path / "s.yaml", definition)))
    assert result.exit_code == 0
    assert "warning: sections[0].questions[0].text: no 'es' translation" in result.output
    # default NPS end labels come translated, so they are not reported
    assert "sections[0].questions[0].labels.low" not in result.output
