# ruff: noqa: F811  (pytest fixtures imported from tests.e2e.review_live are used as arguments)
"""Sharing a saved view by e-mail from the overview, in Chromium at desktop size and on a 360 px phone
(issue 24): save the view, share it weekly, see the share listed, stop it; no overflow, axe-core clean."""
import pytest

from tests.e2e.review_live import (
    WAVE,
)
from tests.e2e.test_bulk_relabel_browser import phone  # noqa: F401  (fixture)
from tests.e2e.test_dashboard_browser import sign_in
from tests.e2e.test_review_workspace_browser import all_axe_violations, fits


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_save_share_and_stop_a_view(review_server, staff_page, phone, viewport):
    page = staff_page if viewport == "desktop" else phone
    sign_in(page, review_server, subject=f"sharer-{viewport}@vendor.example")
    page.goto(f"{review_server.url}/staff?wave={WAVE}&tier=advanced")
    page.fill("#view-name", f"Advanced {viewport}")
    page.get_by_role("button", name="Save view").click()
    page.wait_for_load_state()
    page.select_option("#share-name", f"Advanced {viewport}")
    page.fill("#share-to", "colleague@vendor.example")
    page.select_option("#share-cadence", "monthly")
    page.get_by_role("button", name="Share", exact=True).click()
    page.wait_for_load_state()
    shares = page.locator("#view-shares li")
    assert shares.count() == 1 and "colleague@vendor.example, monthly" in shares.first.inner_text()
    assert fits(page)
    assert all_axe_violations(page, f"view-sharing-{viewport}") == []
    shares.first.get_by_role("button", name="Stop").click()
    page.wait_for_load_state()
    assert page.locator("#view-shares li").count() == 0
