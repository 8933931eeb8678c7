"""`pulse analyze` against moto repositories and `pulse text analyze` on good and bad CSV files."""
import json

import pytest
from click.testing import CliRunner

from chalicelib.domain.responses import Response
from pulse_cli.main import cli
from tests.builders import given_open_wave, make_partner


def _responses(links, scores):
    out = []
    for link, score in zip(links, scores, strict=False):
        inv = link.invitation
        out.append(Response(invitation_id=inv.invitation_id, wave_id=inv.wave_id, survey_id="px-test",
                            survey_version=1, partner_id=inv.partner_id, contact_id=inv.contact_id,
                            language="en", status="submitted", version=1, created_at="t", updated_at="t",
                            answers={"q_nps": score, "q_portal": 1 + score % 5, "q_model": "resale",
                                     "q_programs": ["proof_of_concept"],
                                     "q_comment": "The partner portal is great and easy to use" if score > 8
                                     else "Portal is slow"},  # "...is great" alone: neutral since issue 26
                            partner=link.partner.snapshot()))
    return out


@pytest.fixture
def wave_repos(moto_table, tokens, monkeypatch):
    partners = [make_partner(f"P{i:03d}", tier="principal" if i < 3 else "advanced") for i in range(20)]
    repos, links = given_open_wave(moto_table, tokens, partners)
    links = sorted(links, key=lambda link: link.partner.partner_id)
    repos.responses.put_many(_responses(links[:15], [10, 9, 3, 10, 7, 0, 9, 9, 6, 10, 8, 2, 9, 10, 5]))
    monkeypatch.setattr("pulse_cli.main._repos", lambda: repos)
    return repos


def test_analyze_json_is_the_documented_scorecard_with_suppressed_small_tier(wave_repos):
    result = CliRunner().invoke(cli, ["analyze", "--wave", "w-test", "--by", "tier", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["schema"] == "pulse.scorecard/1" and doc["wave"]["id"] == "w-test"
    assert doc["overall"]["respondents"] == 15 and doc["overall"]["invited"] == 20
    cells = {c["segment"]["tier"]: c for c in doc["breakdowns"][0]["cells"]}
    # principal has 3 respondents: suppressed, and advanced must be suppressed with it
    assert cells["principal"]["respondents"] == "suppressed"
    assert cells["advanced"]["suppressed"] == "complementary"


def test_analyze_table_and_csv_formats(wave_repos):
    table = CliRunner().invoke(cli, ["analyze", "--wave", "w-test", "--by", "region", "--compare-previous"])
    assert table.exit_code == 0, table.output
    assert "overall" in table.stdout and "by region" in table.stdout
    assert "first wave" in table.stderr
    csv_out = CliRunner().invoke(cli, ["analyze", "--wave", "w-test", "--by", "tier", "--format", "csv"])
    assert csv_out.stdout.splitlines()[0].startswith("breakdown,segment,metric")
    assert "tier,principal,nps,q_nps,suppressed" in csv_out.stdout
    assert "tier,principal,nps_vs_rest,q_nps,suppressed" in csv_out.stdout
    assert any(line.startswith("overall,all,nps,q_nps,") for line in csv_out.stdout.splitlines())


def test_analyze_rejects_unknown_dimension_and_unknown_wave(wave_repos):
    bad_by = CliRunner().invoke(cli, ["analyze", "--wave", "w-test", "--by", "colour"])
    assert bad_by.exit_code == 2 and "--by" in bad_by.output and "Traceback" not in bad_by.output
    missing = CliRunner().invoke(cli, ["analyze", "--wave", "nope"])
    assert missing.exit_code == 1 and "no wave nope" in missing.output


def _run_text(tmp_path, content, *args, encoding="utf-8"):
    source = tmp_path / "comments.csv"
    if isinstance(content, bytes):
        source.write_bytes(content)
    else:
        source.write_text(content, encoding=encoding)
    out = tmp_path / "out"
    return CliRunner().invoke(cli, ["text", "analyze", str(source), "--text-column", "comment",
                                    "--out", str(out), "--sentiment-cache", str(tmp_path / "cache.json"),
                                    *args]), out


def test_text_analyze_writes_one_row_per_input_row_and_a_segment_summary(tmp_path):
    rows = ["region,comment"]
    rows += [f"EMEA,The deal registration portal is confusing and slow {i}" for i in range(9)]
    rows += [f"AMER,Great training and helpful support {i}" for i in range(8)]
    rows += ["APJ,Great training", "APJ,", "LATAM,=HYPERLINK(\"x\")"]
    result, out = _run_text(tmp_path, "\n".join(rows) + "\n", "--segment-column", "region")
    assert result.exit_code == 0, result.output
    lines = (out / "comments.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 20
    assert lines[0].endswith("sentiment_label,polarity,subjectivity,probability,language,themes")
    assert "negative" in lines[1] and "deal_registration;partner_portal" in lines[1]
    assert lines[-1].startswith("LATAM,\"'=HYPERLINK")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    segments = {s["segment"]: s for s in summary["segments"]}
    assert segments["EMEA"]["comments"] == 9 and segments["EMEA"]["labels"]["negative"] == 9
    assert segments["EMEA"]["themes"][0]["theme"] == "deal_registration"
    # APJ and LATAM hold 2 comments together (< 8): total minus EMEA minus AMER would describe
    # them, so AMER is their complement
    assert segments["AMER"]["suppressed"] == "complementary"
    assert segments["APJ"]["comments"] == "suppressed" and segments["LATAM"]["suppressed"] == "primary"


@pytest.mark.parametrize("content, message", [
    ("region,text\nEMEA,hello\n", "no column 'comment'"),
    ("", "is empty"),
    ("comment\n", "has a header but no rows"),
    ("comment\n\"unterminated\n", "not a valid CSV"),
])
def test_text_analyze_rejects_bad_files_with_a_clear_message(tmp_path, content, message):
    result, out = _run_text(tmp_path, content)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_text_analyze_rejects_non_utf8_files(tmp_path):
    result, out = _run_text(tmp_path, "comment\nsehr gut, aber zu spät\n".encode("latin-1"))
    assert result.exit_code == 2 and "not UTF-8" in result.output and "line 2" in result.output


def test_text_analyze_names_missing_segment_column(tmp_path):
    result, _ = _run_text(tmp_path, "comment\nfine\n", "--segment-column", "tier")
    assert result.exit_code == 2 and "--segment-column" in result.output and "no column 'tier'" in result.output


def test_analyze_with_comments_adds_theme_and_sentiment_summaries_respecting_the_comment_threshold(
        wave_repos, tmp_path):
    result = CliRunner().invoke(cli, ["analyze", "--wave", "w-test", "--by", "tier", "--format", "json",
                                      "--comments", "--sentiment-cache", str(tmp_path / "cache.json")])
    assert result.exit_code == 0, result.output
    comments = json.loads(result.stdout)["comments"]["q_comment"]
    assert comments["threshold"] == 8 and comments["comments"] == 15
    assert comments["overall"]["themes"][0]["theme"] == "partner_portal"
    assert comments["overall"]["labels"]["positive"] > 0 and comments["overall"]["labels"]["negative"] > 0
    tiers = {s["segment"]: s for s in comments["segments"]}
    assert tiers["principal"]["suppressed"] == "primary"
    assert tiers["advanced"]["suppressed"] == "complementary" and tiers["advanced"]["themes"] == "suppressed"


def test_text_analyze_second_run_reuses_the_sentiment_cache(tmp_path):
    content = "comment\nSupport is slow\nTraining is great\nSupport is slow\n"
    first, _ = _run_text(tmp_path, content)
    cache = tmp_path / "cache.json"
    assert first.exit_code == 0 and len(json.loads(cache.read_text())) == 2
    stamp = cache.stat().st_mtime_ns
    second, out = _run_text(tmp_path, content)
    assert second.exit_code == 0 and cache.stat().st_mtime_ns == stamp  # nothing new to score or save
    assert "negative" in (out / "comments.csv").read_text()
