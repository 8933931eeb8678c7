"""`pulse impact estimate` on files: verdict and figures, and located errors (no database needed)."""
import json
from pathlib import Path

from click.testing import CliRunner

from pulse_cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = ROOT / "examples" / "impact" / "responses.csv"
CHANGE = ROOT / "examples" / "impact" / "change-payout.yaml"


def run(*args):
    return CliRunner().invoke(cli, ["--stage", "test", "impact", "estimate", *args], catch_exceptions=False)


def test_estimate_prints_verdict_interval_cells_panel_and_pre_trend():
    result = run("--responses", str(RESPONSES), "--change", str(CHANGE))
    assert result.exit_code == 0, result.output
    assert "Change payout-terms-2021" in result.output
    assert "NPS among affected partners (tier advanced) rose" in result.output
    assert "more than among unaffected partners (90% interval" in result.output
    assert "design: difference in differences" in result.output
    assert "within-partner (panel of" in result.output
    assert "pre-change trend check" in result.output


def test_json_output_holds_the_estimate_with_true_effect_inside_its_interval():
    result = run("--responses", str(RESPONSES), "--change", str(CHANGE), "--format", "json")
    doc = json.loads(result.output)
    est = doc["estimates"][0]["estimate"]
    assert est["low"] <= 15.0 <= est["high"]  # the simulated truth of the example file
    assert doc["change"]["segments"] == {"tiers": ["advanced"]}


def test_everyone_affected_gives_before_after_only(tmp_path):
    change = tmp_path / "c.yaml"
    change.write_text("id: portal\ndescription: new portal\neffective: 2021-02-01\nmetrics: [nps:q_nps]\n")
    result = run("--responses", str(RESPONSES), "--change", str(change))
    assert result.exit_code == 0
    assert "Before/after only; other changes in the same period cannot be separated." in result.output


def test_csv_problems_name_file_line_and_column(tmp_path):
    bad = tmp_path / "r.csv"
    bad.write_text("wave_id,wave_date,partner_id,tier,q_nps\n"
                   "w1,2020-09-15,P1,advanced,9\n"
                   "w1,2020-13-01,P2,advanced,9\n"
                   "w2,2021-03-15,P3,advanced,11\n")
    result = run("--responses", str(bad), "--change", str(CHANGE))
    assert result.exit_code == 2
    assert f"{bad}:3:2" in result.output and "is not a date" in result.output
    assert f"{bad}:4:5" in result.output and "is not a number from 0 to 10" in result.output


def test_change_problems_name_the_yaml_line(tmp_path):
    change = tmp_path / "c.yaml"
    change.write_text("id: x\ndescription: d\neffective: soon\nsegments:\n  tier: [advanced]\n")
    result = run("--responses", str(RESPONSES), "--change", str(change))
    assert result.exit_code == 2
    assert f"{change}:3:1: effective: must be a date YYYY-MM-DD" in result.output
    assert f"{change}:5:3: segments.tier: is not a segment dimension" in result.output


def test_other_tool_export_mapped_to_question_ids(tmp_path):
    export = tmp_path / "export.csv"
    lines = RESPONSES.read_text().splitlines()
    export.write_text("\n".join([lines[0].replace("partner_id", "Account ID").replace("q_nps", "Recommend (0-10)"),
                                 *lines[1:]]) + "\n")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns:\n  Account ID: partner_id\n  Recommend (0-10): q_nps\n")
    mapped = run("--responses", str(export), "--change", str(CHANGE), "--mapping", str(mapping), "--format", "json")
    direct = run("--responses", str(RESPONSES), "--change", str(CHANGE), "--format", "json")
    assert json.loads(mapped.output)["estimates"] == json.loads(direct.output)["estimates"]


def test_too_few_partners_is_not_enough_data(tmp_path):
    small = tmp_path / "small.csv"
    small.write_text("wave_id,wave_date,partner_id,tier,q_nps\n" + "".join(
        f"w{w},{d},P{p},{'advanced' if p < 2 else 'enrolled'},{8}\n"
        for w, d in ((1, "2020-09-15"), (2, "2021-03-15")) for p in range(8) for _ in range(3)))
    result = run("--responses", str(small), "--change", str(CHANGE))
    assert result.exit_code == 0
    assert "Not enough data" in result.output and "interval" not in result.output and "mean" not in result.output
