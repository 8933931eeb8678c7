"""The archived HTML of the demo wave opened in Chromium: it renders, its charts load, no script
runs, and a screenshot goes to test-artifacts/report.png and docs/images/report.png."""
from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chalicelib.reports.archive import LocalReportArchive
from chalicelib.reports.delivery import RecordingReportMailer
from chalicelib.reports.settings import ReportSettings
from chalicelib.services.reporting import Reporting, build_wave_report
from chalicelib.storage.report_runs import DynamoReportRunRepository
from tests.builders import TEST_SECRET, make_repositories
from tests.conftest import ROOT

from .builders import snapshot_stores

DEMO_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)



@pytest.fixture
def demo_archive(moto_table, tmp_path):
    from chalicelib.security.tokens import InvitationTokens
    from pulse_cli.demo import seed_demo

    repos = make_repositories(moto_table)
    seed_demo(repos, InvitationTokens(TEST_SECRET), "http://pulse.test", tmp_path / "links.txt", now=DEMO_NOW)
    settings = replace(ReportSettings.from_environment({}), recipients=("leadership@example.com",))
    context = Reporting(repos=repos, runs=DynamoReportRunRepository(moto_table),
                        archive=LocalReportArchive(tmp_path), mailer=RecordingReportMailer(), settings=settings,
                        **snapshot_stores(moto_table, DEMO_NOW))
    report = build_wave_report(context, "px-2026-h1", "2026-W48", DEMO_NOW)
    location = context.archive.write("px-2026-h1", report.day, report.archive_files())
    return Path(location) / "report.html"


def test_archived_report_renders_in_chromium_with_its_charts(demo_archive, chromium_browser):
    dialogs = []
    page = chromium_browser.new_page(viewport={"width": 900, "height": 1200})
    try:
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(demo_archive.as_uri())
        assert page.locator("h1").inner_text().startswith("Partner Pulse: px-2026-h1")
        assert page.locator("#tiers tr").count() == 4  # header + enrolled, advanced, principal
        widths = page.eval_on_selector_all("img", "images => images.map(i => i.naturalWidth)")
        assert len(widths) == 3 and all(w > 0 for w in widths)
        artifacts = ROOT / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        page.screenshot(path=str(artifacts / "report.png"), full_page=True)
    finally:
        page.close()
    assert dialogs == []
    (ROOT / "docs" / "images").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(artifacts / "report.png", ROOT / "docs" / "images" / "report.png")
