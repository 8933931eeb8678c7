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



def _demo_plans(table, repos):
    """The demo's actions and changes (with their saved estimates), as ``pulse demo seed`` records them."""
    from types import SimpleNamespace

    from chalicelib.storage.actions import DynamoActionRepository, DynamoChangeRepository
    from pulse_cli.demo_plans import seed_demo_plans

    stores = SimpleNamespace(actions=DynamoActionRepository(table), changes=DynamoChangeRepository(table))
    seed_demo_plans(repos, stores, DEMO_NOW)
    return stores


@pytest.fixture
def demo_archive(moto_table, tmp_path):
    from chalicelib.security.tokens import InvitationTokens
    from pulse_cli.demo import seed_demo

    repos = make_repositories(moto_table)
    seed_demo(repos, InvitationTokens(TEST_SECRET), "http://pulse.test", tmp_path / "links.txt", now=DEMO_NOW)
    plans = _demo_plans(moto_table, repos)
    settings = replace(ReportSettings.from_environment({}), recipients=("leadership@example.com",))
    context = Reporting(repos=repos, runs=DynamoReportRunRepository(moto_table),
                        archive=LocalReportArchive(tmp_path), mailer=RecordingReportMailer(), settings=settings,
                        plans=plans, **snapshot_stores(moto_table, DEMO_NOW))
    report = build_wave_report(context, "px-2026-h1", "2026-W48", DEMO_NOW)
    location = context.archive.write("px-2026-h1", report.day, report.archive_files())
    return Path(location) / "report.html"


def test_archived_report_renders_in_chromium_with_its_charts(demo_archive, chromium_browser):
    dialogs = []
    page = chromium_browser.new_page(viewport={"width": 900, "height": 1200})
    try:
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(demo_archive.as_uri())
        assert page.locator("h1").inner_text().startswith("Partner Pulse: H1 2026")  # the wave's title
        assert page.locator("#tiers tr").count() == 4  # header + enrolled, advanced, principal
        done = page.locator("#plans-done").inner_text()  # the demo's portal action and its change's verdict
        assert "Relaunch the partner portal" in done and "Before/after only" in done and "90% interval" in done
        assert "Bring EMEA payouts back to 30 days" not in page.locator("#plans").inner_text()  # proposed
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


def test_report_and_email_read_at_360_px_without_sideways_scrolling(demo_archive, chromium_browser):
    """The leadership summary first: at 360 px (web page and the e-mail's HTML) nothing is wider
    than the screen, text is at least 11 px and the plain-words summary is on the first screen;
    screenshots of the first screen (desktop and 360 px) go to docs/images/."""
    import json

    from chalicelib.reports.render import render_email_html

    images = ROOT / "docs" / "images"
    images.mkdir(parents=True, exist_ok=True)
    model = json.loads(demo_archive.with_name("summary.json").read_text("utf-8"))
    email = render_email_html(model, {"nps_by_tier.png": b"", "wave_over_wave.png": b""})
    for width, height, name, html in ((1280, 900, "report-desktop", None), (360, 780, "report-360", None),
                                      (360, 780, None, email)):
        page = chromium_browser.new_page(viewport={"width": width, "height": height})
        try:
            if html is None:
                page.goto(demo_archive.as_uri())
            else:
                page.set_content(html)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (name or "e-mail", overflow)
            summary_top = page.evaluate("() => document.getElementById('summary').getBoundingClientRect().top")
            assert summary_top < height  # the plain-words summary is on the first screen
            smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('p, li, td, th')]
                .filter(e => e.innerText.trim()).map(e => parseFloat(getComputedStyle(e).fontSize)))""")
            assert smallest >= 11, (name or "e-mail", smallest)
            if name:
                page.screenshot(path=str(images / f"{name}.png"))
        finally:
            page.close()
