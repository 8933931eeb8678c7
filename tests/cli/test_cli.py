"""The `pulse` CLI against DynamoDB Local over HTTP."""
import csv
from pathlib import Path

from tests.builders import make_repositories

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "partner-experience.yaml")
PARTNERS = ROOT / "examples" / "partners.csv"


def test_survey_validate_reports_problems_with_paths(pulse, tmp_path):
    assert pulse("survey", "validate", EXAMPLE).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: px\nversion: 1\ntitle: T\nsections:\n  - id: s\n    title: S\n"
                   "    questions:\n      - {id: q, type: nps}\n")
    result = pulse("survey", "validate", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:8:9: sections[0].questions[0].text: is required" in result.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: px\nversion: [1\n")
    result = pulse("survey", "validate", str(broken))
    assert result.exit_code == 2 and f"{broken}:3:1: expected ',' or ']'" in result.output
    assert result.output.count("expected") == 1  # once, not twice


def test_full_admin_flow_is_idempotent(pulse, local_table, tmp_path):
    assert "published" in pulse("survey", "create", EXAMPLE).output
    assert "already published" in pulse("survey", "create", EXAMPLE).output
    imported = pulse("partners", "import", str(PARTNERS))
    assert "3 new, 0 updated, 0 unchanged partners (4 contacts)" in imported.output
    changed = tmp_path / "changed.csv"
    changed.write_text(PARTNERS.read_text().replace("P0003,Sakura Cloud Partners,enrolled",
                                                    "P0003,Sakura Cloud Partners,advanced"))
    result = pulse("partners", "import", str(changed))
    assert "0 new, 1 updated, 2 unchanged" in result.output and "P0003: tier" in result.output
    assert pulse("wave", "open", "px", "--wave", "px-test", "--closes", "2099-12-31").exit_code == 0
    links = tmp_path / "links.csv"
    first = pulse("invitations", "create", "--wave", "px-test", "--out", str(links))
    assert "4 new invitations, 0 existing" in first.output
    urls = [row["url"] for row in csv.DictReader(links.open())]
    second = pulse("invitations", "create", "--wave", "px-test", "--region", "EMEA", "--out", str(links))
    assert "0 new invitations, 2 existing" in second.output
    assert {row["url"] for row in csv.DictReader(links.open())} <= set(urls)
    assert len(make_repositories(local_table).invitations.for_wave("px-test")) == 4
    assert "closed" in pulse("wave", "close", "--wave", "px-test", "--yes").output
    assert "already closed" in pulse("wave", "close", "--wave", "px-test").output


def test_bad_partner_file_writes_nothing(pulse, local_table, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(PARTNERS.read_text().replace("principal,EMEA,DE", "gold,EMEA,DE", 1))
    result = pulse("partners", "import", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:2:24: tier: 'gold' is not one of" in result.output
    assert make_repositories(local_table).partners.all() == []
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(PARTNERS.read_text().replace("Lena", "Léna").encode("latin-1"))
    assert "is not UTF-8" in pulse("partners", "import", str(latin1)).output


def test_wave_needs_a_published_survey_and_a_future_date(pulse):
    assert "no survey nope" in pulse("wave", "open", "nope", "--wave", "w1", "--closes", "2099-01-01").output
    pulse("survey", "create", EXAMPLE)
    result = pulse("wave", "open", "px", "--wave", "w1", "--closes", "2001-01-01")
    assert result.exit_code == 2 and "closes: must be in the future" in result.output
