"""Browser-test helpers of the review dashboard: the demo data under ``chalice local`` on DynamoDB
Local with a fresh results snapshot, and Debian's Chromium through Playwright.

Kept apart from tests/e2e/conftest.py (the form's ``live_server``) so both merge cleanly; the
fixtures have their own names. Skip with a reason when Java or Chromium is missing; fail
instead when PULSE_CI is set.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.builders import TEST_SECRET, make_repositories
from tests.conftest import CHROMIUM, _make_table, _need
from tests.e2e.conftest import ARTIFACTS, AXE, chalice_local  # noqa: F401 - shared constants

ROOT = Path(__file__).resolve().parents[2]
DOC_IMAGES = ROOT / "docs" / "images"
WAVE = "px-2026-h1"
MATRIX_WAVE = "pulse-2026-q4"



@dataclass
class ReviewServer:
    url: str
    table: object

    def token(self, role: str, scope: str | None = None, subject: str = "e2e@vendor.example") -> str:
        from chalicelib.security.staff import StaffTokens, parse_scope

        return StaffTokens(TEST_SECRET).issue(subject, role, parse_scope(scope), 3600)


def _seed(table, tmp: Path) -> None:
    """The demo data and a snapshot of its current wave, written straight to the table."""
    from chalicelib.security.tokens import InvitationTokens
    from chalicelib.services import results
    from chalicelib.services.snapshot_builder import Thresholds
    from chalicelib.storage.corrections import DynamoCorrectionRepository
    from chalicelib.storage.followups import DynamoFollowupRepository
    from chalicelib.storage.snapshots import DynamoSnapshotStore
    from pulse_cli.demo import seed_demo

    repos = make_repositories(table)
    now = datetime.now(UTC).replace(microsecond=0)
    seed_demo(repos, InvitationTokens(TEST_SECRET), "http://pulse.test", tmp / "links.txt", now=now)
    _seed_matrix_wave(repos, now)  # its snapshot is built first: the demo wave stays the newest
    results.refresh_snapshot(repos, DynamoSnapshotStore(table), DynamoCorrectionRepository(table),
                             DynamoFollowupRepository(table), MATRIX_WAVE, Thresholds(), 5, now)
    results.refresh_snapshot(repos, DynamoSnapshotStore(table), DynamoCorrectionRepository(table),
                             DynamoFollowupRepository(table), WAVE, Thresholds(), 5, now)


def _seed_matrix_wave(repos, now: datetime) -> None:
    """A wave of the demo's short "pulse" survey (a matrix question) with 40 answers."""
    import random
    from dataclasses import replace

    from chalicelib.domain.responses import SUBMITTED, Response
    from chalicelib.domain.waves import OPEN, Wave, iso
    from chalicelib.security.tokens import InvitationTokens
    from chalicelib.services.invitations import create_invitations

    survey = repos.surveys.get("pulse", 1)
    repos.waves.add(Wave(MATRIX_WAVE, survey.id, survey.version, OPEN, iso(now), iso(now + timedelta(days=30))))
    rng = random.Random(7)
    links = [link for link in create_invitations(repos, InvitationTokens(TEST_SECRET), MATRIX_WAVE,
                                                 "http://pulse.test", now)
             if link.partner.tier in ("advanced", "principal")][:40]
    stamp = iso(now)
    responses = [Response(
        invitation_id=link.invitation.invitation_id, wave_id=MATRIX_WAVE, survey_id=survey.id,
        survey_version=survey.version, partner_id=link.partner.partner_id, contact_id=link.invitation.contact_id,
        language="en", status=SUBMITTED, version=1, created_at=stamp, updated_at=stamp, submitted_at=stamp,
        partner=link.partner.snapshot(),
        answers={"q_nps": rng.randint(3, 10), "q_experience": {
            "portal": rng.randint(2, 5), "support": rng.randint(1, 5), "payouts": rng.randint(1, 4)}})
        for link in links]
    repos.invitations.put_many([replace(link.invitation, state="submitted") for link in links])
    repos.responses.put_many(responses)


@pytest.fixture(scope="session")
def review_server(dynamodb_local_endpoint, tmp_path_factory):
    """``chalice local`` on a free port serving the demo wave's dashboard."""
    _need(CHROMIUM.exists(), f"{CHROMIUM} is not installed (apt-get install chromium): browser tests skipped")
    table = _make_table(dynamodb_local_endpoint)
    tmp = tmp_path_factory.mktemp("review-e2e")
    _seed(table, tmp)
    with chalice_local(table, dynamodb_local_endpoint, tmp) as url:
        yield ReviewServer(url, table)
    table.client.delete_table(TableName=table.name)


@pytest.fixture(scope="session")
def review_browser(chromium_browser):
    return chromium_browser


@pytest.fixture
def staff_page(review_browser):
    """A fresh page that may download files; CSP bypassed only so axe-core can be injected."""
    context = review_browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                         bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str, publish: bool = False) -> Path:
    """Full-page screenshot into test-artifacts/ (and docs/images/ when ``publish``)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if publish:
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        (DOC_IMAGES / f"{name}.png").write_bytes(path.read_bytes())
    return path


def serious_axe_violations(page, name: str) -> list[dict]:
    """axe-core scan; report saved to test-artifacts/; returns serious and critical violations."""
    _need(AXE.exists(), f"{AXE} is missing: run make setup (npm ci)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(result["violations"], indent=2), "utf-8")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]
