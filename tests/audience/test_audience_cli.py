"""A targeted wave end to end through the CLI: open for 4 partners, create, cancel, send, close."""
from __future__ import annotations

from dataclasses import replace
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from chalicelib.domain.partners import Contact, contact_id_for
from pulse_cli.main import cli
from tests.builders import make_partner, make_repositories, survey_definition

DIRECTORY = 12  # partners in the directory; the audience picks 4 of them


def partner(n: int):
    pid = f"P{n:03d}"
    contacts = tuple(Contact(contact_id_for(f"c{k}@{pid.lower()}.example"), f"Contact {k} of {pid}",
                             f"c{k}@{pid.lower()}.example", "en") for k in range(1 + n % 2))
    return replace(make_partner(pid), contacts=contacts, tier=["enrolled", "advanced", "principal"][n % 3],
                   region=["AMER", "EMEA"][n % 2], programs=("proof_of_concept",) if n % 4 == 1 else ())


def outbox_recipients(directory: Path) -> list[str]:
    return sorted(message_from_bytes(p.read_bytes(), policy=policy.default)["To"].addresses[0].addr_spec
                  for p in directory.rglob("*.eml"))


@pytest.fixture
def run(moto_table, app_env, monkeypatch, tmp_path):
    from chalicelib.services.catalogue import publish_survey
    from tests.builders import NOW

    app_env(moto_table)
    monkeypatch.setenv("PULSE_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("PULSE_PUBLIC_BASE_URL", "https://survey.example.test/")
    repos = make_repositories(moto_table)
    publish_survey(repos, survey_definition(), NOW)
    repos.partners.put_many([partner(n) for n in range(1, DIRECTORY + 1)], "2026-01-01T00:00:00Z")
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(cli, ["--stage", "test", *args], catch_exceptions=False, input=input)
    return invoke


def test_a_four_partner_audience_gets_exactly_its_contacts_emails(run, moto_table, tmp_path):
    audience = tmp_path / "audience.csv"
    chosen = ["P002", "P003", "P007", "P010"]
    audience.write_text("partner_id,note\n" + "".join(f"{p},x\n" for p in chosen), encoding="utf-8")
    opened = run("wave", "open", "px-test", "--wave", "pulse-q3", "--closes", "2099-12-31",
                 "--audience", str(audience))
    assert opened.exit_code == 0, opened.output
    assert "audience: 4 partner(s) from file audience.csv" in opened.output
    created = run("invitations", "create", "--wave", "pulse-q3")
    repos = make_repositories(moto_table)
    expected = sorted(c.email for p in repos.partners.all() if p.partner_id in chosen for c in p.contacts)
    assert f"{len(expected)} new invitations, 0 existing (4 partner(s)" in created.output
    assert {i.partner_id for i in repos.invitations.for_wave("pulse-q3")} == set(chosen)

    refused = run("invitations", "send", "--wave", "pulse-q3", input="n\n")  # 6 e-mails: asks first
    assert refused.exit_code == 1 and "6 invitation e-mail(s) will go out to 4 partner(s)" in refused.output
    assert "nothing sent" in refused.output and not (tmp_path / "outbox").exists()

    cancelled = run("invitations", "cancel", "--wave", "pulse-q3", "--partner", "P007")
    assert "cancelled 2 invitation(s)" in cancelled.output
    sent = run("invitations", "send", "--wave", "pulse-q3", "--yes")
    assert sent.exit_code == 0, sent.output
    assert "sent 4 invitation e-mail(s)" in sent.output and "cancelled 2" in sent.output
    assert outbox_recipients(tmp_path / "outbox") == [e for e in expected if "p007" not in e]
    late = run("invitations", "cancel", "--wave", "pulse-q3", "--contact", expected[0])
    assert "cancelled 0" in late.output and "already e-mailed" in late.output

    shown = run("wave", "show", "pulse-q3").output
    assert "audience: 4 partner(s)" in shown and "cancelled 2" in shown and "sent 4" in shown
    assert "pulse-q3" in run("wave", "list").output
    not_closed = run("wave", "close", "--wave", "pulse-q3", input="n\n")
    assert not_closed.exit_code == 1 and make_repositories(moto_table).waves.get("pulse-q3").status == "open"
    assert "wave pulse-q3 closed" in run("wave", "close", "--wave", "pulse-q3", input="y\n").output
    extended = run("wave", "extend", "--wave", "pulse-q3", "--closes", "2099-12-31")
    assert "(reopened)" in extended.output


def test_filters_use_the_programs_values_and_unknown_ids_suggest(run):
    opened = run("wave", "open", "px-test", "--wave", "poc-only", "--closes", "2099-12-31",
                 "--program", "proof_of_concept", "--region", "EMEA")
    assert opened.exit_code == 0, opened.output
    assert "3 partner(s) from filters, region EMEA, program proof_of_concept" in opened.output
    bad = run("wave", "open", "px-test", "--wave", "w2", "--closes", "2099-12-31", "--tier", "principle")
    assert bad.exit_code == 2 and "did you mean principal?" in bad.output
    unknown = run("wave", "show", "poc-onyl")
    assert unknown.exit_code == 1 and "no wave poc-onyl (did you mean poc-only?)" in unknown.output
    assert "did you mean px-test?" in run("wave", "open", "px-tset", "--wave", "w3", "--closes",
                                          "2099-12-31").output
    assert "did you mean P001" in run("partners", "show", "P0001").output


def test_list_and_show_commands(run):
    assert "px-test" in run("survey", "list").output
    shown = run("survey", "show", "px-test").output
    assert "q_portal" in shown and "rating/5" in shown
    listed = run("partners", "list", "--tier", "principal").output
    assert "4 partner(s)" in listed and "P002" in listed
    assert "Contact 1 of P001" in run("partners", "show", "P001").output
