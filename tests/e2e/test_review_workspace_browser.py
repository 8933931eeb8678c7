# ruff: noqa: F811  (pytest fixtures imported from tests.e2e.review_live are used as arguments)
"""The review workspace in Chromium, at desktop size and on a 360 px phone: the follow-up
workflow (filter, assign, close with and without a reason), the per-question view, filters in
the URL and the partner view; axe-core finds no violation of any impact."""
import json

import pytest

from tests.e2e.review_live import (
    ARTIFACTS,
    MATRIX_WAVE,
    WAVE,
    screenshot,
    serious_axe_violations,
)
from tests.e2e.test_dashboard_browser import sign_in

PHONE = {"width": 360, "height": 780}


def all_axe_violations(page, name: str) -> list[dict]:
    """Every axe-core violation, whatever its impact (the report is saved by the shared helper)."""
    serious_axe_violations(page, name)
    report = json.loads((ARTIFACTS / f"axe-{name}.json").read_text("utf-8"))
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in report]


def fits(page) -> bool:
    """Nothing wider than the viewport (wide tables scroll inside their own box)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture
def phone_page(review_browser):
    context = review_browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                         bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def test_followup_workflow_filter_assign_close(review_server, staff_page):
    page = staff_page
    sign_in(page, review_server, subject="lead@vendor.example")
    page.goto(f"{review_server.url}/staff/followups?wave={WAVE}")
    page.select_option("#status", "open")
    page.select_option("#f-region", "EMEA")
    page.select_option("#f-sort", "nps")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "region=EMEA" in page.url and "status=open" in page.url and "sort=nps" in page.url
    page.reload()  # the URL is the view: a reload (or a shared link) shows the same selection
    assert page.locator("#f-region").input_value() == "EMEA"
    rows = page.locator("table.queue tbody tr")
    assert rows.count() > 0 and all("EMEA" in t for t in rows.locator("td:nth-child(2)").all_inner_texts())
    row = rows.first
    row_id = row.get_attribute("id")
    # assign to someone else
    row.locator("input[name=assignee]").fill("kim@vendor.example")
    row.locator("button", has_text="Save").click()
    page.wait_for_load_state()
    row = page.locator(f"[id='{row_id}']")
    assert "kim@vendor.example" in row.inner_text()
    # close without a reason: refused inline, the note stays typed
    row.locator("select[name=status]").select_option("closed")
    row.locator("input[name=note]").fill("Spoke with the partner; payout fixed")
    row.locator("button", has_text="Save").click()
    page.wait_for_load_state()
    assert page.locator("[role=alert]").count() == 1
    row = page.locator(f"[id='{row_id}']")
    assert row.locator("input[name=note]").input_value() == "Spoke with the partner; payout fixed"
    assert all_axe_violations(page, "followups-refused") == []
    # add the reason: closed, the note kept
    row.locator("input[name=closing_reason]").fill("resolved")
    row.locator("button", has_text="Save").click()
    page.wait_for_load_state()
    page.goto(f"{review_server.url}/staff/followups?wave={WAVE}&status=closed")
    closed = page.locator(f"[id='{row_id}']")
    assert "closed (resolved)" in closed.inner_text() and "payout fixed" in closed.inner_text()
    assert all_axe_violations(page, "followups-desktop") == []


def test_followup_queue_on_a_phone(review_server, phone_page):
    page = phone_page
    sign_in(page, review_server)
    page.goto(f"{review_server.url}/staff/followups?wave={WAVE}&status=open&sort=-nps")
    assert page.locator("table.queue tbody tr").count() > 0 and fits(page)
    assert page.locator("nav.pager a[rel=next]").count() == 1  # paged, not one huge page
    screenshot(page, "followups-phone", publish=True)
    assert all_axe_violations(page, "followups-phone") == []


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_per_question_view_with_the_breakdown_in_the_url(review_server, staff_page, phone_page, viewport):
    page = staff_page if viewport == "desktop" else phone_page
    sign_in(page, review_server, "viewer")
    page.goto(f"{review_server.url}/staff/questions?wave={WAVE}")
    page.select_option("#by", "program")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "by=program" in page.url
    assert page.locator("section.question").count() >= 8
    assert page.locator("table caption", has_text="top-2-box and mean by segment").count() >= 5
    trend = page.locator("table.trend caption", has_text="top-2-box and mean per wave")  # each rating's trend
    assert trend.count() >= 5 and page.locator("table.trend").first.locator("tbody th[scope=row]").count() == 2
    if viewport == "phone":
        assert fits(page)
    screenshot(page, f"questions-{viewport}", publish=True)
    assert all_axe_violations(page, f"questions-{viewport}") == []


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_partner_view_for_analysts_never_viewers(review_server, staff_page, phone_page, viewport):
    page = staff_page if viewport == "desktop" else phone_page
    sign_in(page, review_server)
    page.goto(f"{review_server.url}/staff/followups?wave={WAVE}")
    page.locator("table.queue tbody tr th a").first.click()
    page.wait_for_load_state()
    assert "/staff/partners/" in page.url and page.locator("article.respondent").count() >= 1
    assert page.locator("h2", has_text="Wave").count() >= 1
    if viewport == "phone":
        assert fits(page)
    screenshot(page, f"partner-view-{viewport}", publish=True)
    assert all_axe_violations(page, f"partner-{viewport}") == []
    partner_url = page.url
    sign_in(page, review_server, "viewer")
    page.goto(partner_url)
    assert page.locator("h1").inner_text() != "" and "respondent" not in page.content().split("<main")[1][:400]
    assert page.locator("article.respondent").count() == 0


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_overview_filters_live_in_the_url_and_the_trend_covers_every_wave(review_server, staff_page, phone_page,
                                                                          viewport):
    page = staff_page if viewport == "desktop" else phone_page
    sign_in(page, review_server, "viewer")
    page.goto(f"{review_server.url}/staff?wave={WAVE}")
    page.select_option("#by", "tier:region")
    page.select_option("#f-tier", "principal")
    page.click("form.view-filters button[type=submit]")
    page.wait_for_load_state()
    assert "by=tier%3Aregion" in page.url and "tier=principal" in page.url
    shared = page.url
    other = page.context.new_page()  # a colleague opening the shared link sees the same selection
    other.goto(shared)
    assert other.locator("#f-tier").input_value() == "principal" and other.locator("#by").input_value() == "tier:region"
    rows = other.locator("section.selection tbody th[scope=row]").all_inner_texts()
    assert rows and all(r.startswith("Principal / ") for r in rows)
    other.close()
    waves = page.locator("section[aria-labelledby=h-trend] table").first.locator("tbody th[scope=row]")
    assert waves.all_inner_texts() == ["px-2025-h2", WAVE]  # every wave of the survey, oldest first
    if viewport == "phone":
        assert fits(page)
    screenshot(page, f"overview-filters-{viewport}", publish=viewport == "desktop")
    assert all_axe_violations(page, f"overview-filters-{viewport}") == []


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_matrix_rows_per_question(review_server, staff_page, phone_page, viewport):
    page = staff_page if viewport == "desktop" else phone_page
    sign_in(page, review_server, "viewer")
    page.goto(f"{review_server.url}/staff/questions?wave={MATRIX_WAVE}&by=tier")
    matrix = page.locator("section.matrix")
    assert matrix.count() == 1 and "(matrix, 3 rows)" in matrix.locator("h3").inner_text()
    groups = matrix.locator("tbody th[scope=rowgroup]").all_inner_texts()
    assert groups == ["the partner portal", "technical support", "incentive payouts"]
    assert matrix.locator("svg.chart").count() == 1
    if viewport == "phone":
        assert fits(page)
    screenshot(page, f"questions-matrix-{viewport}")
    assert all_axe_violations(page, f"questions-matrix-{viewport}") == []
