"""Program changes declared in the program file: validated with FILE:LINE:COLUMN, recorded by
`pulse program apply` in the same change record as `pulse changes add`, idempotent on re-import."""

import yaml

from tests.program.builders import METAL_PROGRAM, write

CHANGES = [
    {"id": "gold-payout-terms", "description": "Gold partners paid within 30 days", "effective": "2026-02-01",
     "segments": {"tiers": ["gold"], "regions": ["DACH"]}, "metrics": ["top2:q_sat_incentives"]},
    {"id": "portal-search", "description": "Portal search rebuilt", "effective": "2026-03-01"},
]



def test_bad_changes_are_named_by_file_line_and_column(pulse, tmp_path):
    bad = tmp_path / "program.yaml"
    text = yaml.safe_dump({k: v for k, v in METAL_PROGRAM.items() if k != "themes"}, sort_keys=False)
    text += ("changes:\n"
             "  - id: gold-terms\n"
             "    description: Gold paid faster\n"
             "    effective: soon\n"
             "  - id: copper-terms\n"
             "    description: Copper paid faster\n"
             "    effective: 2026-03-01\n"
             "    segments: {tiers: [copper]}\n"
             "  - id: copper-terms\n"
             "    description: again\n"
             "    effective: 2026-03-01\n"
             "  - id: colourful\n"
             "    description: a colour\n"
             "    effective: 2026-03-01\n"
             "    colour: red\n")
    bad.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    at = {needle: next(i + 1 for i, line in enumerate(lines) if needle in line)
          for needle in ("soon", "[copper]", "colour: red")}
    result = pulse("program", "validate", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:{at['soon']}:5: changes[0].effective: must be a date YYYY-MM-DD" in result.output
    assert f"{bad}:{at['[copper]']}:16: changes[1].segments.tiers: 'copper' is not one of the program's tiers" \
        in result.output
    assert f"{bad}:{at['[copper]'] + 1}:5: changes[2].id: copper-terms is declared twice" in result.output
    assert f"{bad}:{at['colour: red']}:5: changes[3].colour: is not a field of a change" in result.output
    applied = pulse("program", "apply", str(bad))
    assert applied.exit_code == 2
    assert "0 change(s)" in pulse("changes", "list").output  # nothing written
    impossible = tmp_path / "impossible.yaml"
    impossible.write_text(text.replace("effective: soon", "effective: 2026-02-30"), encoding="utf-8")
    result = pulse("program", "validate", str(impossible))
    assert result.exit_code == 2 and f"{impossible}:{at['soon']}:16: '2026-02-30' is not a valid date" in result.output


def test_apply_records_the_changes_once_and_updates_an_edited_one(pulse, tmp_path):
    program_file = write(tmp_path / "program.yaml", {**METAL_PROGRAM, "changes": CHANGES})
    assert "2 declared changes" in pulse("program", "validate", str(program_file)).output
    first = pulse("program", "apply", str(program_file)).output
    assert "program version 1 applied" in first and "changes: 2 added, 0 updated, 0 unchanged" in first
    again = pulse("program", "apply", str(program_file)).output
    assert "already applied (identical)" in again and "changes: 0 added, 0 updated, 2 unchanged" in again
    listed = pulse("changes", "list").output
    assert "2026-02-01  gold-payout-terms  Gold partners paid within 30 days" in listed
    assert "affected: tier gold, region DACH" in listed and "2 change(s)" in listed
    # a new change in the file needs no new program version; an edited declaration is updated
    edited = [{**CHANGES[0], "effective": "2026-02-15"}, CHANGES[1],
              {"id": "deal-desk-sla", "description": "Deal desk answers within a day", "effective": "2026-04-01",
               "segments": {"programs": ["deal_desk"]}}]
    program_file = write(tmp_path / "program.yaml", {**METAL_PROGRAM, "changes": edited})
    third = pulse("program", "apply", str(program_file)).output
    assert "already applied (identical)" in third and "changes: 1 added, 1 updated, 1 unchanged" in third
    listed = pulse("changes", "list").output
    assert "2026-02-15  gold-payout-terms" in listed and "2026-02-01" not in listed and "3 change(s)" in listed


def test_a_change_recorded_from_the_cli_is_not_overwritten_by_the_file(pulse, tmp_path):
    change_file = write(tmp_path / "change.yaml", {**CHANGES[1], "description": "Recorded by hand"})
    assert pulse("changes", "add", str(change_file)).exit_code == 0
    program_file = write(tmp_path / "program.yaml", {**METAL_PROGRAM, "changes": CHANGES})
    result = pulse("program", "apply", str(program_file))
    assert "changes: 1 added, 0 updated, 0 unchanged" in result.output
    assert "warning: change portal-search was recorded from the CLI or the dashboard" in result.output
    assert "Recorded by hand" in pulse("changes", "list").output
