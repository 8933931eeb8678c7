"""One error format for every input file: ``FILE:LINE:COLUMN: message``, sorted by position."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from pulse_cli.main import cli
from tests.builders import NOW, make_partner, make_repositories, survey_definition
from tests.program.builders import METAL_CSV_HEADER

LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


@pytest.fixture
def pulse(moto_table, app_env):
    app_env(moto_table)
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, ["--stage", "test", *args], catch_exceptions=False)

    return run, make_repositories(moto_table)


def located(output: str, path) -> list[tuple[int, int, str]]:
    """(line, column, message) of every located line about ``path``; every such line is well-formed."""
    out = []
    for line in output.splitlines():
        if line.startswith(str(path)):
            match = LOCATED.match(line)
            assert match and match["file"] == str(path), line
            out.append((int(match["line"]), int(match["col"]), match["message"]))
    return out


def test_program_problems_are_located_and_sorted_and_optional_keys_are_not_required(pulse, tmp_path):
    run, _ = pulse
    bad = tmp_path / "program.yaml"
    # tiers (line 2..4) come after an unknown key on line 1 in the file but before regions in the validator
    bad.write_text("colour: blue\nversion: 1\ntiers:\n  - {id: silver, order: 1}\n  - {id: Gold, order: 2}\n"
                   "regions: [{id: NORTH, label: ''}]\n", encoding="utf-8")
    result = run("program", "validate", str(bad))
    assert result.exit_code == 2
    found = located(result.output, bad)
    assert found == sorted(found) and len(found) == 3
    assert found[0][:2] == (1, 1) and found[0][2] == "colour: unknown key"
    assert found[1][0] == 5 and found[1][2].startswith("tiers[1].id: must be")
    assert found[2][0] == 6 and found[2][2].startswith("regions[0].label:")
    assert "partner_types" not in result.output and "programs" not in result.output
    # and a program without partner_types and programs is valid
    good = tmp_path / "minimal.yaml"
    good.write_text("version: 1\ntiers: [silver, gold]\nregions: [NORTH]\n", encoding="utf-8")
    assert run("program", "validate", str(good)).exit_code == 0


def test_survey_problems_are_located_and_sorted(pulse, tmp_path):
    run, _ = pulse
    bad = tmp_path / "survey.yaml"
    bad.write_text("id: s\nversion: 1\ntitle: T\nsections:\n  - id: a\n    title: A\n    questions:\n"
                   "      - {id: q1, type: nps}\n      - {id: q2, type: rating, scale: 99, text: R}\n",
                   encoding="utf-8")
    result = run("survey", "validate", str(bad))
    assert result.exit_code == 2
    found = located(result.output, bad)
    assert found and found == sorted(found)
    assert any(line == 8 and "q1" not in message and "text" in message for line, _, message in found)
    assert any(line == 9 and "scale" in message for line, _, message in found)


def test_partner_csv_problems_name_file_line_and_the_cells_column(pulse, tmp_path):
    run, _ = pulse
    rows = ["M002,Metal 2,gold,NORTH,SE,msp,maybe,1,,am@vendor.example,C,c2@m.example,en",
            "M001,Metal 1,silver,NORTH,SE,msp,yes,1,,am@vendor.example,C,c1@m.example,en"]
    bad = tmp_path / "partners.csv"
    bad.write_text("\n".join([METAL_CSV_HEADER, *rows]) + "\n", encoding="utf-8")
    result = run("partners", "import", str(bad))
    assert result.exit_code == 2
    found = located(result.output, bad)
    assert found == sorted(found)
    line2 = rows[0]
    assert (2, line2.index(",gold,") + 2, "tier: 'gold' is not one of enrolled, advanced, principal") in found
    assert (2, line2.index(",maybe,") + 2, "transacting: must be yes or no") in found
    assert (3, len("M001,Metal 1,") + 1, "tier: 'silver' is not one of enrolled, advanced, principal") in found


def test_audience_problems_name_the_line_of_the_partner(pulse, tmp_path):
    run, repos = pulse
    from chalicelib.services.catalogue import publish_survey

    publish_survey(repos, survey_definition(), NOW)
    repos.partners.put_many([make_partner("P001"), make_partner("P002")], "t")
    audience = tmp_path / "audience.csv"
    audience.write_text("partner_id\nP001\nP999\nP002\nP00X\n", encoding="utf-8")
    result = run("wave", "open", "px-test", "--wave", "w-aud", "--closes", "2099-01-01", "--audience", str(audience))
    assert result.exit_code == 2
    found = located(result.output, audience)
    assert [(line, col) for line, col, _ in found] == [(3, 1), (5, 1)], result.output
    assert found[0][2].startswith("partner_id: P999: is not in the partner directory")
    empty = tmp_path / "empty.csv"
    empty.write_text("partner_id\n", encoding="utf-8")
    result = run("wave", "open", "px-test", "--wave", "w-aud", "--closes", "2099-01-01", "--audience", str(empty))
    assert located(result.output, empty)[0][:2] == (2, 1)
