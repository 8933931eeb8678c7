# ruff: noqa: F811  (pytest fixtures imported from tests.e2e.review_live are used as arguments)
"""Action plans and program changes in Chromium on the demo data: create an action from a driver in
one step, assign and move it through its statuses, the scoped viewer, the change record with the
trend marked and a change's effect estimate; at desktop width and at 360 px, axe-core clean."""
import json

import pytest

from tests.e2e.conftest import ARTIFACTS, AXE
from tests.e2e.review_live import (
    WAVE,
    _need,
    screenshot,
)


def axe_violations(page, name: str) -> list[dict]:
    """Every axe-core violation (any impact); the report is saved to test-artifacts/."""
    _need(AXE.exists(), f"{AXE} is missing: run make setup (npm ci)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(result["violations"], indent=2), "utf-8")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


@pytest.fixture(scope="module")
def story(review_server):
    """The demo's program story (changes with estimates, actions) on the review server's table."""
    from chalicelib.storage.actions import DynamoActionRepository, DynamoChangeRepository
    from pulse_cli.demo_plans import seed_demo_plans
    from tests.builders import make_repositories

    table = review_server.table
    stores = type("Stores", (), {"actions": DynamoActionRepository(table), "changes": DynamoChangeRepository(table)})()
    if stores.changes.get("emea-payout-platform") is None:
        seed_demo_plans(make_repositories(table), stores)
    return review_server


def sign_in(page, server, role="analyst", scope=None, subject="lead@vendor.example"):
    page.goto(f"{server.url}/staff/login")
    page.fill("#token", server.token(role, scope, subject))
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_create_an_action_from_a_driver_and_move_it_through_its_statuses(story, staff_page):
    page = staff_page
    sign_in(page, story)
    page.goto(f"{story.url}/staff?wave={WAVE}")
    driver = page.locator("#h-drivers ~ .driver table tbody tr").first
    question = driver.locator("th").first.inner_text().split("Create action")[0].strip()
    driver.locator("a.create-action").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Create an action"
    assert page.locator("#f-kind").input_value() == "driver" and page.locator("#f-wave").input_value() == WAVE
    assert page.locator("#n-title").input_value().startswith("Act on:")
    page.fill("#n-owner", "owner@vendor.example")
    page.fill("#n-due", "2020-01-31")  # already overdue: the reminder's case
    page.fill("#n-regions", "EMEA")
    page.fill("#n-metrics", "nps:q_nps")
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()
    assert "/staff/actions/act-" in page.url
    assert "proposed" in page.locator("main").inner_text() and "overdue" in page.locator("main").inner_text()
    assert axe_violations(page, "action-page") == []
    for status in ("approved", "in_progress"):
        page.select_option("#u-status", status)
        page.fill("#u-note", f"moved to {status}")
        page.click("form.stacked button[type=submit]")
        page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "in progress" in main and "approved → in progress" in main and "moved to approved" in main
    screenshot(page, "action-from-driver", publish=True)
    page.goto(f"{story.url}/staff?wave={WAVE}")  # the finding now carries its badge
    badge = page.locator("#h-drivers ~ .driver a.badge").first
    assert badge.is_visible() and "action" in badge.inner_text(), question
    assert axe_violations(page, "overview-with-badges") == []
    page.goto(f"{story.url}/staff/actions?wave={WAVE}&overdue=true")
    assert page.locator("table.actions tbody tr").count() >= 1
    assert axe_violations(page, "actions-list") == []


def test_change_record_marks_the_trend_and_shows_the_estimate(story, staff_page):
    page = staff_page
    sign_in(page, story)
    page.goto(f"{story.url}/staff/changes?wave={WAVE}")
    chart = page.locator("#h-trend ~ .charts svg")
    assert "Changes marked: emea-payout-platform" in chart.locator("desc").text_content()
    assert chart.locator('line[stroke-dasharray="6 3"]').count() == 2
    screenshot(page, "trend-with-change", publish=True)
    assert axe_violations(page, "changes") == []
    page.goto(f"{story.url}/staff/changes/emea-payout-platform?wave={WAVE}")
    verdict = page.locator(".verdict").first.inner_text()
    assert verdict.startswith("After the change 'EMEA incentive payouts moved to a new payment platform'")
    assert "unaffected partners (90% interval" in verdict
    assert page.locator("#h-effect ~ article table caption", has_text="the groups before and after").count() == 1
    screenshot(page, "change-estimate", publish=True)
    assert axe_violations(page, "change-estimate") == []
    page.goto(f"{story.url}/staff/changes/portal-relaunch?wave={WAVE}")
    assert page.locator(".verdict").first.inner_text().startswith("Before/after only; other changes")


def test_scoped_viewer_sees_only_its_scope_and_cannot_create(story, staff_page):
    page = staff_page
    sign_in(page, story, "viewer", "region=APJ", "apj@vendor.example")
    page.goto(f"{story.url}/staff/actions?wave={WAVE}")
    text = page.locator("main").inner_text()
    assert "EMEA payouts" not in text and "Create an action" not in text
    page.goto(f"{story.url}/staff/changes?wave={WAVE}")
    assert "emea-payout-platform" not in page.locator("main").inner_text()
    page.goto(f"{story.url}/staff/actions/new")
    assert page.locator("h1").inner_text() != "Create an action"


def test_pages_fit_360_px_and_pass_axe(story, review_browser):
    context = review_browser.new_context(viewport={"width": 360, "height": 780}, device_scale_factor=1,
                                         bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, story)
        for name, path in (("actions-360", "/staff/actions"), ("action-new-360", "/staff/actions/new?kind=theme"),
                           ("changes-360", "/staff/changes"),
                           ("change-360", "/staff/changes/emea-payout-platform"),
                           ("action-360", "/staff/actions/act-demopayout1")):
            page.goto(f"{story.url}{path}{'&' if '?' in path else '?'}wave={WAVE}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
            screenshot(page, name, publish=name == "change-360")
            assert axe_violations(page, name) == [], name
    finally:
        context.close()


def test_question_trend_marks_a_change_only_for_the_segment_it_affected(story, staff_page):
    """The EMEA payout change is marked on the incentives trend of EMEA, not on APJ's; the portal
    relaunch (every partner) is marked on both."""
    page = staff_page
    sign_in(page, story)
    descriptions = {}
    for region in ("EMEA", "APJ"):
        page.goto(f"{story.url}/staff/questions?wave={WAVE}&region={region}")
        chart = page.locator("#qt-q_sat_incentives-t").locator("xpath=..")
        assert chart.count() == 1, region
        descriptions[region] = chart.locator("desc").text_content()
        label = {"EMEA": "Europe, Middle East & Africa", "APJ": "Asia Pacific & Japan"}[region]
        assert page.locator("#h-t-q_sat_incentives").inner_text().endswith(f"(region {label})")
        if region == "EMEA":
            screenshot(page, "question-trend-with-change", publish=True)
            assert axe_violations(page, "question-trend") == []
    assert "emea-payout-platform (effective 2025-12-01)" in descriptions["EMEA"]
    assert "emea-payout-platform" not in descriptions["APJ"]
    assert "portal-relaunch" in descriptions["EMEA"] and "portal-relaunch" in descriptions["APJ"]


def test_you_said_we_did_previews_counts_and_messages_then_sends_once(story, staff_page):
    """A done action's button: the preview shows how many contacts hear back and the message per
    language (no contact list); sending records it, and the button is gone."""
    from chalicelib.domain.actions import new_action, updated_action
    from chalicelib.storage.actions import DynamoActionRepository
    from tests.builders import NOW, make_repositories

    repos = make_repositories(story.table)
    partners = sorted(repos.partners.all(), key=lambda p: p.partner_id)[:2]
    action = new_action({"title": "Deal registration answered within a day", "owner": "lead@vendor.example",
                         "due": "2026-03-01", "finding": {"kind": "driver", "wave_id": "px-2025-h2",
                                                          "ref": "q_sat_portal", "label": "Deal registration"},
                         "segments": {"partners": [p.partner_id for p in partners]}}, "lead@vendor.example", NOW,
                        "act-e2etell01")
    for status in ("approved", "in_progress", "done"):
        action = updated_action(action, {"status": status}, "lead@vendor.example", NOW)
    DynamoActionRepository(story.table).add(action)
    contacts = sum(len(p.contacts) for p in partners)
    page = staff_page
    sign_in(page, story)
    page.goto(f"{story.url}/staff/actions/act-e2etell01?wave={WAVE}")
    page.fill("#t-what", "Deal registrations are now answered within one business day.")
    page.click("#tell-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Tell partners what changed"
    assert f"Who hears back: {contacts} contact" in page.locator("#audience").inner_text()
    previews = page.locator(".message-preview")
    assert previews.count() >= 1
    assert "Deal registrations are now answered" in previews.first.inner_text()
    assert "@" not in page.locator("main").inner_text().replace("lead@vendor.example", "")  # nobody listed
    assert axe_violations(page, "you-said-preview") == []
    screenshot(page, "you-said-preview", publish=True)
    page.click("#send-form button[type=submit]")
    page.wait_for_load_state()
    assert "/staff/actions/act-e2etell01" in page.url
    assert f"{contacts} contacts" in page.locator("#told").inner_text()
    assert page.locator("#tell-form").count() == 0  # sent once: no second button
    again = page.request.post(f"{story.url}/staff/actions/act-e2etell01/tell", form={
        "csrf": "x", "what": "again", "confirm": "send"}, max_redirects=0)
    assert again.status in (403, 409)  # no second send (without the session's CSRF token: refused first)


def test_you_said_preview_fits_360_px_and_passes_axe(story, review_browser):
    from chalicelib.domain.actions import new_action, updated_action
    from chalicelib.storage.actions import DynamoActionRepository
    from tests.builders import NOW, make_repositories

    partner = sorted(make_repositories(story.table).partners.all(), key=lambda p: p.partner_id)[2]
    action = new_action({"title": "Portal search rebuilt", "owner": "lead@vendor.example", "due": "2026-03-01",
                         "finding": {"kind": "driver", "wave_id": "px-2025-h2", "ref": "q_sat_portal"},
                         "segments": {"partners": [partner.partner_id]}}, "lead@vendor.example", NOW, "act-e2etell02")
    for status in ("approved", "in_progress", "done"):
        action = updated_action(action, {"status": status}, "lead@vendor.example", NOW)
    DynamoActionRepository(story.table).add(action)
    context = review_browser.new_context(viewport={"width": 360, "height": 780}, device_scale_factor=1,
                                         bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, story)
        page.goto(f"{story.url}/staff/actions/act-e2etell02?wave={WAVE}")
        page.fill("#t-what", "Search now finds deals by customer name, partner name or registration number.")
        page.click("#tell-form button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("#audience").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert axe_violations(page, "you-said-preview-360") == []
    finally:
        context.close()

