# ruff: noqa: F811  (pytest fixtures imported from tests.e2e.review_live are used as arguments)
"""The review dashboard in Chromium on the demo data: sign in, overview, comment explorer,
correction, follow-up, CSV download, accessibility."""
import csv
import io

from tests.e2e.review_live import (
    WAVE,
    screenshot,
    serious_axe_violations,
)


def sign_in(page, server, role="analyst", scope=None, subject="e2e@vendor.example"):
    page.goto(f"{server.url}/staff/login")
    page.fill("#token", server.token(role, scope, subject))
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_sign_in_and_overview_on_demo_data(review_server, staff_page):
    page = staff_page
    page.goto(f"{review_server.url}/staff")
    assert page.locator("h1").inner_text() == "Sign in"
    sign_in(page, review_server)
    assert page.locator("h1").inner_text().startswith("Results overview")
    assert page.locator("svg.chart").count() >= 6
    assert page.locator("table caption", has_text="By tier (numbers behind the charts)").count() == 1
    screenshot(page, "dashboard-overview", publish=True)
    assert serious_axe_violations(page, "overview") == []


def test_principal_viewer_sees_only_principal(review_server, staff_page):
    page = staff_page
    sign_in(page, review_server, "viewer", "tier=principal")
    tiers = page.locator("#h-tier ~ .table-scroll table tbody th").all_inner_texts()
    assert tiers == ["Principal"]  # the program's label of the tier
    screenshot(page, "dashboard-overview-principal")


def test_filter_comments_and_correct_a_label(review_server, staff_page):
    page = staff_page
    sign_in(page, review_server, subject="reviewer@vendor.example")
    page.goto(f"{review_server.url}/staff/comments?wave={WAVE}")
    page.select_option("#f-tier", "enrolled")  # the largest tier: this filter pair clears the comment threshold
    page.fill("#f-q", "portal")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "tier=enrolled" in page.url and page.locator("li.comment").count() > 0
    assert page.locator("li.comment mark").first.inner_text().lower() == "portal"
    screenshot(page, "comment-explorer", publish=True)
    assert serious_axe_violations(page, "comment-explorer") == []
    first = page.locator("li.comment").first
    current = first.locator(".label").inner_text()
    target = "negative" if current != "negative" else "positive"
    first.locator("summary").click()
    first.locator(f"input[name=label][value={target}]").check()
    first.locator("button", has_text="Save correction").click()
    page.wait_for_load_state()
    assert page.locator(".corrected", has_text="reviewer@vendor.example").count() >= 1, page.content()[:3000]
    screenshot(page, "comment-corrected")


def test_work_a_followup(review_server, staff_page):
    page = staff_page
    sign_in(page, review_server, subject="am@vendor.example")
    page.goto(f"{review_server.url}/staff/followups?wave={WAVE}&status=open")
    row = page.locator("table.queue tbody tr").first
    invitation = row.get_attribute("id")
    row.locator("select[name=status]").select_option("in_progress")
    row.locator("input[name=note]").fill("Called the partner, payout escalated")
    row.locator("button", has_text="Save").click()
    page.wait_for_load_state()
    assert "status=open" in page.url  # back to the filtered view the analyst was working in
    page.goto(f"{review_server.url}/staff/followups?wave={WAVE}&status=in_progress")
    moved = page.locator(f"#{invitation}")
    assert "in progress" in moved.inner_text() and "payout escalated" in moved.inner_text()
    screenshot(page, "followups")
    assert serious_axe_violations(page, "followups") == []


def test_download_responses_csv(review_server, staff_page):
    page = staff_page
    sign_in(page, review_server, "viewer", "region=EMEA")
    page.goto(f"{review_server.url}/staff/comments?wave={WAVE}")
    assert page.locator("text=responses CSV").count() == 0  # response rows are respondent-level: not for a viewer
    page.context.clear_cookies()
    sign_in(page, review_server, "analyst")
    page.goto(f"{review_server.url}/staff/comments?wave={WAVE}")
    with page.expect_download() as info:
        page.click("text=responses CSV")
    path = info.value.path()
    data = open(path, "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows and {"EMEA", "AMER"} <= {row["region"] for row in rows}
