# ruff: noqa: F811  (pytest fixtures imported from tests.e2e.review_live are used as arguments)
"""Bulk relabel in Chromium, at desktop size and on a 360 px phone (issue 24): tick a comment's "all
with this text", choose a tone, review the count, relabel, undo; nothing overflows and axe-core finds
no violation on the explorer, the review page or the notice."""
import re
from urllib.parse import quote

import pytest

from tests.e2e.review_live import (
    WAVE,
    screenshot,
)
from tests.e2e.test_dashboard_browser import sign_in
from tests.e2e.test_review_workspace_browser import PHONE, all_axe_violations, fits


@pytest.fixture
def phone(review_browser):
    context = review_browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                         bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_select_identical_texts_review_relabel_and_undo(review_server, staff_page, phone, viewport):
    page = staff_page if viewport == "desktop" else phone
    sign_in(page, review_server, subject=f"relabel-{viewport}@vendor.example")
    page.goto(f"{review_server.url}/staff/comments?wave={WAVE}&sentiment=positive")
    assert page.locator("form#bulk").count() == 1 and fits(page)
    assert all_axe_violations(page, f"relabel-explorer-{viewport}") == []
    first = page.locator("li.comment").first
    text = first.locator("p.text").inner_text()
    first.get_by_label("All with this text").check()
    page.select_option("#bulk-label", "negative")
    page.get_by_role("button", name="Review relabel").click()
    page.wait_for_load_state()
    count_text = page.locator("#relabel-count").inner_text()
    count = int(re.match(r"(\d+) comments? will change", count_text).group(1))
    assert count >= 1 and page.locator("table.relabel tbody tr").count() == count
    assert all(text == t for t in page.locator("table.relabel tbody tr td:first-child").all_inner_texts())
    if viewport == "phone":
        assert fits(page)
    screenshot(page, f"relabel-review-{viewport}")
    assert all_axe_violations(page, f"relabel-review-{viewport}") == []
    page.get_by_role("button", name=re.compile(rf"^Relabel {count} comment")).click()
    page.wait_for_load_state()
    notice = page.locator("#relabel-notice")
    assert f"Relabelled {count} comment" in notice.inner_text()
    assert fits(page) and all_axe_violations(page, f"relabel-done-{viewport}") == []
    page.goto(f"{review_server.url}/staff/comments?wave={WAVE}&sentiment=negative&q={quote(text[:40])}")
    assert page.locator("li.comment").count() >= count
    page.go_back()
    page.get_by_role("button", name="Undo this relabel").click()
    page.wait_for_load_state()
    assert "was undone by" in page.locator("#relabel-notice").inner_text()
    assert all_axe_violations(page, f"relabel-undone-{viewport}") == []
