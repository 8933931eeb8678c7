"""One number everywhere: one results snapshot of the demo wave, read through every surface.

The staff API's JSON, the dashboard's HTML, ``pulse snapshot show``'s JSON, the scorecard export
(CSV and XLSX) and the leadership report (model and archive HTML) are parsed the way a reader
would see them, and must give the same overall NPS, respondents, NPS per tier, CSAT top-2-box,
suppressed tier and weighted headline. The snapshot is built with a score threshold of 100
respondents so that one tier (principal, 93 respondents) is suppressed.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import UTC, datetime

import pytest

from tests.builders import TEST_SECRET, restore_environment
from tests.review.conftest import auth, token

WAVE = "px-2026-h1"
PREVIOUS = "px-2025-h2"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
THRESHOLD = 100
QUESTION = "q_sat_portal"
MARKER = "suppressed"
ENV = ("PULSE_TABLE", "PULSE_TOKEN_SECRET", "PULSE_DYNAMODB_ENDPOINT", "PULSE_STAGE", "PULSE_SUPPRESS_MIN_SCORES",
       "PULSE_REPORT_SURVEYS", "PULSE_REPORT_TRANSPORT", "PULSE_REPORT_LOCAL_DIR", "PULSE_OUTBOX_DIR")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The demo seed in moto, one snapshot of the current wave built by the refresh job's entry point."""
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib import wiring
    from chalicelib.jobs.snapshot_refresh import refresh_wave
    from chalicelib.security.tokens import InvitationTokens
    from chalicelib.services import results
    from pulse_cli.demo import seed_demo
    from tests.builders import make_repositories
    from tests.conftest import _make_table

    saved = {k: os.environ.get(k) for k in ENV}
    local = tmp_path_factory.mktemp("one-number")
    with mock_aws():
        table = _make_table(None)
        repos = make_repositories(table)
        seed_demo(repos, InvitationTokens(TEST_SECRET), "http://pulse.test", local / "links.txt", now=NOW)
        os.environ.update({"PULSE_TABLE": table.name, "PULSE_TOKEN_SECRET": TEST_SECRET, "PULSE_STAGE": "test",
                           "PULSE_SUPPRESS_MIN_SCORES": str(THRESHOLD), "PULSE_REPORT_SURVEYS": "px",
                           "PULSE_REPORT_TRANSPORT": "outbox", "PULSE_REPORT_LOCAL_DIR": str(local),
                           "PULSE_OUTBOX_DIR": str(local / "outbox")})
        os.environ.pop("PULSE_DYNAMODB_ENDPOINT", None)
        wiring.reset()
        results.clear_cache()
        summary = refresh_wave(WAVE, NOW)
        from app import app

        with Client(app, stage_name="test") as client:
            yield {"client": client, "summary": summary, "repos": repos}
        restore_environment(saved)


def _body(response) -> str:
    return response.body.decode("utf-8") if isinstance(response.body, bytes) else response.body


def _label(doc: dict, tier: str) -> str:
    from chalicelib.domain.program import catalogue_label

    return catalogue_label(doc.get("program"), "tier", tier)


# -- each surface, parsed into the same figures ---------------------------------------------------------
def figures_of_document(doc: dict) -> dict:
    """The figures as the scorecard document holds them (staff API, CLI)."""
    overall = doc["overall"]
    tiers = {c["segment"]["tier"]: (MARKER if c["suppressed"] else c["nps"]["value"])
             for b in doc["breakdowns"] if b["by"] == ["tier"] for c in b["cells"]}
    return {"respondents": overall["respondents"], "nps": overall["nps"]["value"], "tiers": tiers,
            "top2": overall["csat"][QUESTION]["top2"]["value"], "weighted": overall["weighted"]["nps"]["value"]}


def figures_of_dashboard(client, doc: dict) -> dict:
    headers = {"Cookie": f"pulse_staff={token('analyst')}"}
    page = _body(client.http.get(f"/staff?wave={WAVE}", headers=headers))
    respondents = int(re.search(r"<dt>Respondents</dt><dd>(\d+)", page).group(1))
    nps = float(re.search(r"<dt>NPS</dt><dd>(-?[\d.]+)", page).group(1))
    weighted = float(re.search(r'id="weighted-nps">(-?[\d.]+)', page).group(1))
    by_tier = page[page.index('id="h-tier"'):page.index('id="h-region"')]
    labels = {_label(doc, t): t for t in figures_of_document(doc)["tiers"]}
    tiers = {}
    for label, suppressed, value in re.findall(
            r'<tr><th scope="row">([^<]+)</th>\s*(?:(<td colspan="6" class="suppressed">)'
            r'|<td>[^<]*</td><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td>)', by_tier):
        tiers[labels[label]] = MARKER if suppressed else float(value)
    questions = _body(client.http.get(f"/staff/questions?wave={WAVE}&by=tier", headers=headers))
    section = questions[questions.index(f'id="h-{QUESTION}"'):]
    top2 = int(re.search(r'<th scope="row">all partners</th><td>\d+</td><td>(\d+) %</td>', section).group(1))
    hidden = re.search(rf'<th scope="row">{_label(doc, "principal")}</th><td colspan="4">suppressed', section)
    return {"respondents": respondents, "nps": nps, "tiers": tiers, "top2_percent": top2,
            "weighted": weighted, "principal_top2_hidden": hidden is not None}


def figures_of_cli() -> dict:
    from click.testing import CliRunner

    from pulse_cli.main import cli

    saved = dict(os.environ)
    try:
        result = CliRunner().invoke(cli, ["--stage", "test", "snapshot", "show", "--wave", WAVE])
    finally:  # the CLI applies the stage's variables to the environment; put it back as it was
        os.environ.clear()
        os.environ.update(saved)
    assert result.exit_code == 0, result.output
    return figures_of_document(json.loads(result.output))


def _figures_of_rows(rows: list[dict]) -> dict:
    def number(value):
        return MARKER if value == MARKER else float(value)

    overall = next(r for r in rows if r["breakdown"] == "overall")
    tiers = {r["segment"].removeprefix("tier="): number(r["nps"]) for r in rows if r["breakdown"] == "tier"}
    return {"respondents": int(float(overall["respondents"])), "nps": float(overall["nps"]), "tiers": tiers,
            "top2": float(overall[f"{QUESTION}_top2"]), "weighted": float(overall["nps_weighted"]),
            "principal_top2": next(r for r in rows if r["segment"] == "tier=principal")[f"{QUESTION}_top2"]}


def figures_of_csv_export(client) -> dict:
    response = client.http.get(f"/api/v1/staff/waves/{WAVE}/exports/scorecard?format=csv", headers=auth("analyst"))
    assert response.status_code == 200
    return _figures_of_rows(list(csv.DictReader(io.StringIO(response.body.decode("utf-8-sig")))))


def figures_of_xlsx_export(client) -> dict:
    from openpyxl import load_workbook

    response = client.http.get(f"/api/v1/staff/waves/{WAVE}/exports/scorecard?format=xlsx",
                               headers={**auth("analyst"), "Accept": "*/*"})  # a binary body needs an Accept
    assert response.status_code == 200, response.body
    sheet = load_workbook(io.BytesIO(response.body))["scorecard"]
    values = list(sheet.iter_rows(values_only=True))  # column ids, the header in words, then the rows
    return _figures_of_rows([{h: ("" if v is None else v) for h, v in zip(values[0], row, strict=True)}
                             for row in values[2:]])


def figures_of_report(html: str) -> dict:
    """What a reader of the archived report sees (whole numbers, the program's labels)."""
    respondents = int(re.search(r"<li><strong>(\d+)</strong> partner contacts answered", html).group(1))
    nps = int(re.search(r"<li>NPS <strong>([+-]?\d+)</strong>", html).group(1))
    weighted = int(re.search(r'<li id="weighted">[^<]*NPS <strong>([+-]?\d+)</strong>', html).group(1))
    tiers = {}
    table = html[html.index('<table id="tiers"'):]
    table = table[:table.index("</table>")]
    for tier, hidden, value in re.findall(r'<tr data-segment="(\w+)"><td [^>]*>[^<]*</td>'
                                          r'(?:<td [^>]*colspan="2">(<span[^>]*>not shown)'
                                          r'|<td [^>]*>\d+</td><td [^>]*><strong>([+-]?\d+)</strong>)', table):
        tiers[tier] = MARKER if hidden else int(value)
    return {"respondents": respondents, "nps": nps, "tiers": tiers, "weighted": weighted}


def _whole(figures: dict) -> dict:
    """The document's figures as the report shows them (rounded to whole points)."""
    return {"respondents": figures["respondents"], "nps": round(figures["nps"]), "weighted": round(figures["weighted"]),
            "tiers": {t: v if v == MARKER else round(v) for t, v in figures["tiers"].items()}}


# -- the checks ------------------------------------------------------------------------------------------
def test_every_surface_shows_the_same_figures_of_one_snapshot(world):
    from chalicelib import wiring
    from chalicelib.services.reporting import build_wave_report

    client = world["client"]
    status = client.http.get(f"/api/v1/staff/waves/{WAVE}/scorecard", headers=auth("analyst"))
    assert status.status_code == 200
    doc = json.loads(status.body)
    api = figures_of_document(doc)
    assert api["tiers"]["principal"] == MARKER  # 93 respondents under the threshold of 100
    assert {v for t, v in api["tiers"].items() if t != "principal"} != {MARKER}

    cli = figures_of_cli()
    dashboard = figures_of_dashboard(client, doc)
    exports = [figures_of_csv_export(client), figures_of_xlsx_export(client)]
    report = build_wave_report(wiring.reporting(), WAVE, "2026-W09", NOW)

    assert cli == api
    assert {k: dashboard[k] for k in ("respondents", "nps", "tiers", "weighted")} == {
        k: api[k] for k in ("respondents", "nps", "tiers", "weighted")}
    assert dashboard["top2_percent"] == round(100 * api["top2"]) and dashboard["principal_top2_hidden"]
    for export in exports:
        assert {k: export[k] for k in api} == api
        assert export["principal_top2"] == MARKER
    assert figures_of_report(report.archive_html) == _whole(api)
    # the report's model is the snapshot's document, not a recomputation: same estimates to the decimal
    assert report.model["overall"]["nps"]["raw"][0] == api["nps"]
    assert report.model["snapshot"]["version"] == doc["snapshot"]["version"]
    assert [t["suppressed"] for t in report.model["tiers"] if t["id"] == "principal"] == [True]


def test_the_report_quotes_the_snapshot_comment_records_and_their_tier_drivers(world):
    """Themes come from the stored comment records and drivers from the snapshot's tier drivers:
    a driver's "satisfied" share is the tier's published top-2-box of that question."""
    from chalicelib import wiring
    from chalicelib.reports.model import TOP_DRIVERS
    from chalicelib.services.reporting import build_wave_report

    doc = json.loads(world["client"].http.get(f"/api/v1/staff/waves/{WAVE}/scorecard",
                                              headers=auth("analyst")).body)
    report = build_wave_report(wiring.reporting(), WAVE, "2026-W09", NOW)
    text_by_question = {q["id"]: q["text"].get("en") if isinstance(q.get("text"), dict) else q.get("text")
                        for q in doc["questions"]}
    tier_cells = {c["segment"]["tier"]: c for b in doc["breakdowns"] if b["by"] == ["tier"] for c in b["cells"]}
    tier_drivers = {d["segment"]["tier"]: d for d in doc["drivers"] if list(d["segment"]) == ["tier"]}
    program_questions = {q["id"] for q in doc["questions"] if q.get("program")}
    checked = 0
    for block in report.model["per_tier"]:
        if block["suppressed"] or tier_drivers[block["id"]]["status"] != "ok":
            continue
        entry = tier_drivers[block["id"]]
        items = (block["drivers"] or {}).get("items") or []
        # the report lists the snapshot's fix-first drivers (none may pass the rule), in order
        assert [i["question"] for i in items] == [r["question"] for r in entry["fix_first"]][:TOP_DRIVERS]
        for item in items:
            qid = item["question"]
            assert text_by_question[qid].strip() == item["text"]  # the full text in the detail
            assert item["label"] == next(q["short"] for q in doc["questions"] if q["id"] == qid)
            published = tier_cells[block["id"]]["csat"][qid]["top2"]["value"]
            assert item["satisfied"] == f"{published * 100:.0f}%"
        for row in entry["fix_first"] + entry["not_distinguishable"]:  # every driver's share is the published one
            published = tier_cells[block["id"]]["csat"][row["question"]]["top2"]["value"]
            if published != MARKER and row["question"] not in program_questions:  # those: program partners only
                assert row["performance_top2"] == pytest.approx(published, abs=0.0011)
                checked += 1
    assert checked
    comments = json.loads(world["client"].http.get(f"/api/v1/staff/waves/{WAVE}/comments?tier=advanced&limit=100",
                                                   headers=auth("analyst")).body)
    assert comments["total"] > 0
    quotes = [q for block in report.model["per_tier"] for theme in block["themes"] for q in theme["quotes"]]
    assert quotes


def test_a_wave_without_a_snapshot_is_refreshed_first_and_then_reads_like_the_api(world):
    from chalicelib import wiring
    from chalicelib.services.reporting import build_wave_report

    client = world["client"]
    assert client.http.get(f"/api/v1/staff/waves/{PREVIOUS}/scorecard", headers=auth("analyst")).status_code == 404

    report = build_wave_report(wiring.reporting(), PREVIOUS, "final", NOW)

    response = client.http.get(f"/api/v1/staff/waves/{PREVIOUS}/scorecard", headers=auth("analyst"))
    assert response.status_code == 200
    doc = json.loads(response.body)
    assert report.model["snapshot"]["version"] == doc["snapshot"]["version"]
    assert figures_of_report(report.archive_html) == _whole(figures_of_document(doc))


# -- every figure the report prints, against the dashboard's page of the same snapshot version -------------
def _report_figures(html: str) -> dict:
    followups = re.search(r'<p id="followups"[^>]*>(\d+) open, (\d+) in progress, (\d+) closed; (\d+) overdue', html)
    themes = {}
    for block in re.findall(r'<div class="tier" data-segment="(\w+)">(.*?)</div>', html, re.S):
        tier, body = block
        for theme, count in re.findall(r'data-theme="(\w+)"[^>]*><strong>[^<]*</strong>: (\d+) comments', body):
            themes[(tier, theme)] = int(count)
    fix = re.search(r'<ol id="fix-first"[^>]*>(.*?)</ol>', html, re.S).group(1)
    changes = html[html.index('id="changes-overall"'):]
    changes = changes[:changes.index("</ul>")]
    return {"version": re.search(r'data-snapshot-version="([^"]+)"', html).group(1),
            "followups": tuple(int(x) for x in followups.groups()), "themes": themes,
            "fix_first": [(q, int(p)) for q, p in re.findall(r'data-question="(\w+)"><strong[^>]*>[^<]*</strong>: '
                                                            r'[^;]*; (\d+)% satisfied', fix)],
            "changes": [(q, word, int(p)) for q, word, p in re.findall(
                r'data-question="(\w+)"><span[^>]*>[^<]*<strong>[^<]*</strong></span> (rose|fell) <strong>(\d+) points',
                changes)]}


def _overview_figures(page: str) -> dict:
    counts = re.search(r'id="followup-counts">(?:<a [^>]*>)?(\d+) open(?:</a>)?, (\d+) in progress, (\d+) closed, '
                       r'<strong[^>]*>(\d+) overdue', page)
    themes = {}
    table = page[page.index('id="h-sent"'):page.index('id="h-drivers"')]
    for tier, theme, count in re.findall(r'tier=(\w+)&amp;theme=(\w+)">[^<]*</a> \((\d+),', table):
        themes[(tier, theme)] = int(count)
    fix = re.search(r'<ol id="fix-first">(.*?)</ol>', page, re.S).group(1)
    changes = re.findall(r'<li data-segment="all" data-question="(\w+)">[^<]*<a [^>]*>[^<]*</a> (rose|fell) '
                         r'<strong>(\d+) points', page)
    return {"version": re.search(r'data-snapshot-version="([^"]+)"', page).group(1),
            "followups": tuple(int(x) for x in counts.groups()), "themes": themes,
            "fix_first": [(q, int(p)) for q, p in re.findall(r'data-question="(\w+)"><a [^>]*><strong>[^<]*</strong>'
                                                            r'</a>: [^;]*; (\d+)% satisfied', fix)],
            "changes": [(q, word, int(p)) for q, word, p in changes]}


def test_every_figure_the_report_prints_is_the_dashboards_for_the_same_snapshot_version(world, monkeypatch):
    """Follow-ups by status (one in progress, one closed), theme counts per tier, fix-first items with
    their satisfied shares, significant question changes and the snapshot version: report = overview."""
    from chalicelib import wiring
    from chalicelib.security.staff import StaffIdentity
    from chalicelib.services.followups import update_followup
    from chalicelib.services.reporting import build_wave_report

    queue = wiring.review_stores().followups
    first, second = queue.by_status(WAVE, "open")[:2]
    admin = StaffIdentity("lead@vendor.example", "admin")
    update_followup(queue, WAVE, first["invitation_id"], admin, {"status": "in_progress"}, NOW)
    update_followup(queue, WAVE, second["invitation_id"], admin, {"status": "closed", "closing_reason": "called"},
                    NOW)

    monkeypatch.setattr("chalicelib.web.dashboard._now", lambda: NOW)  # one clock for "overdue"
    report = _report_figures(build_wave_report(wiring.reporting(), WAVE, "2026-W09", NOW).archive_html)
    page = _body(world["client"].http.get(f"/staff?wave={WAVE}",
                                          headers={"Cookie": f"pulse_staff={token('analyst')}"}))
    dashboard = _overview_figures(page)

    assert report["followups"][1:3] == (1, 1)
    assert report["themes"] and report["fix_first"] and report["changes"]
    assert all(key in dashboard["themes"] for key in report["themes"])
    assert {k: dashboard["themes"][k] for k in report["themes"]} == report["themes"]
    assert {k: v for k, v in report.items() if k != "themes"} == {k: v for k, v in dashboard.items() if k != "themes"}


def test_pulse_alerts_check_reads_the_snapshot_and_names_a_bad_rule(world, monkeypatch):
    """The alert check's wiring on the demo snapshot: the demo's NPS changes are not significant, so
    a 1-point rule sends nothing; a bad rule stops the check naming its field."""
    from click.testing import CliRunner

    from pulse_cli.main import cli

    saved = dict(os.environ)
    try:
        os.environ["PULSE_ALERT_RULES"] = json.dumps([{"id": "enrolled", "kind": "nps_drop", "points": 1,
                                                       "segment": {"tier": "enrolled"},
                                                       "subscribers": ["lead@vendor.example"]}])
        quiet = CliRunner().invoke(cli, ["--stage", "test", "alerts", "check", "--wave", WAVE])
        os.environ["PULSE_ALERT_RULES"] = '[{"id": "x", "kind": "nps_rise", "points": 5, "subscribers": []}]'
        bad = CliRunner().invoke(cli, ["--stage", "test", "alerts", "check", "--wave", WAVE])
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert quiet.exit_code == 0, quiet.output
    assert quiet.output.strip().endswith("0 alert message(s)")
    assert bad.exit_code != 0 and "PULSE_ALERT_RULES[0].kind" in bad.output
