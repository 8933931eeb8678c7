"""A silver/gold/platinum program with custom regions, from directory to dashboard and report."""
from decimal import Decimal

from chalicelib.domain.responses import Response
from chalicelib.domain.waves import iso
from chalicelib.services.program import apply_program
from tests.builders import NOW, given_open_wave, make_partner, make_repositories
from tests.program.builders import METAL_PROGRAM

PROGRAM = {**METAL_PROGRAM, "programs": METAL_PROGRAM["programs"] + [
    {"id": "proof_of_concept", "label": "Proof of concept"}, {"id": "partner_connect", "label": "Connect"}]}
SCORES = {"silver": 3, "gold": 8, "platinum": 10}


def test_metal_tiers_reach_the_dashboard_and_report_in_program_order_with_labels(moto_table, tokens):
    from chalicelib.reports.model import build_report_model
    from chalicelib.services.snapshot_builder import Thresholds, build_snapshot_parts
    from chalicelib.web.dashboard_views import segment_rows

    apply_program(make_repositories(moto_table), PROGRAM, NOW)
    partners = [make_partner(f"{tier[:2].upper()}{i}", tier=tier, region=("NORTH", "DACH")[i % 2],
                             annual_revenue=Decimal(10000 * (i + 1)))
                for tier in ("gold", "silver", "platinum") for i in range(6)]
    repos, links = given_open_wave(moto_table, tokens, partners)
    stamp = iso(NOW)
    repos.responses.put_many([Response(
        invitation_id=link.invitation.invitation_id, wave_id="w-test", survey_id="px-test", survey_version=1,
        partner_id=link.partner.partner_id, contact_id=link.invitation.contact_id, language="en",
        answers={"q_nps": SCORES[link.partner.tier], "q_portal": 4}, status="submitted", version=1,
        created_at=stamp, updated_at=stamp, submitted_at=stamp, partner=link.partner.snapshot())
        for link in links])

    parts, _, _ = build_snapshot_parts(repos, "w-test", {}, Thresholds())
    doc = parts["scorecard:all"]
    assert [t["id"] for t in doc["program"]["tier"]] == ["silver", "gold", "platinum"]
    rows = segment_rows(doc, "tier")
    assert [r["label"] for r in rows] == ["Platinum", "Gold", "Silver"]  # top tier first, labels
    assert [r["value"] for r in rows] == [100.0, 0.0, -100.0]
    assert [r["label"] for r in segment_rows(doc, "region")] == ["Nordics", "Germany, Austria, Switzerland"]
    model = build_report_model({"scorecard": doc}, period="final", generated_on="2026-06-30")
    assert [t["label"] for t in model["tiers"]] == ["Platinum", "Gold", "Silver"]
    assert [t["tier"] for t in model["per_tier"]] == ["Platinum", "Gold", "Silver"]
    assert {r["label"] for r in model["regions"]} == {"Nordics", "Germany, Austria, Switzerland"}


def test_pulse_analyze_prints_the_programs_tier_labels_in_its_order(moto_table, tokens, app_env):
    from click.testing import CliRunner

    from pulse_cli.main import cli

    apply_program(make_repositories(moto_table), PROGRAM, NOW)
    partners = [make_partner(f"{tier[:2].upper()}{i}", tier=tier, region=("NORTH", "DACH")[i % 2])
                for tier in ("gold", "silver", "platinum") for i in range(6)]
    repos, links = given_open_wave(moto_table, tokens, partners)
    stamp = iso(NOW)
    repos.responses.put_many([Response(
        invitation_id=link.invitation.invitation_id, wave_id="w-test", survey_id="px-test", survey_version=1,
        partner_id=link.partner.partner_id, contact_id=link.invitation.contact_id, language="en",
        answers={"q_nps": SCORES[link.partner.tier], "q_portal": 4}, status="submitted", version=1,
        created_at=stamp, updated_at=stamp, submitted_at=stamp, partner=link.partner.snapshot())
        for link in links])
    app_env(moto_table)
    result = CliRunner().invoke(cli, ["--stage", "test", "analyze", "--wave", "w-test", "--by", "tier,region",
                                      "--threshold", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = [line.split()[0] for line in result.output.splitlines()
            if line.split() and line.split()[0] in ("Silver", "Gold", "Platinum", "silver", "gold", "platinum")]
    assert rows == ["Platinum", "Gold", "Silver"]  # labels, top tier first (as the dashboard and report)
    assert "Nordics" in result.output and "Germany, Austria" in result.output
