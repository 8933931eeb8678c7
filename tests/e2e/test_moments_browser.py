# ruff: noqa: F811  (pytest fixtures imported from tests.e2e.review_live are used as arguments)
"""The "Moments" page (issue 27) in Chromium on the demo's moments: the story is visible (PoC funding in
APJ), axe-core finds nothing at desktop width or at 360 px, and nothing overflows at 360 px."""
import pytest

from tests.e2e.review_live import (
    screenshot,
)
from tests.e2e.test_action_plans_browser import axe_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def moments(review_server):
    """The demo's moments written into the review server's table, results built."""
    from datetime import UTC, datetime

    from chalicelib.security.tokens import InvitationTokens
    from chalicelib.services.program import current_program
    from chalicelib.storage.pulses import DynamoPulseStore
    from pulse_cli.demo import CURRENT_WAVE
    from pulse_cli.demo_pulses import seed_demo_pulses
    from tests.builders import TEST_SECRET, make_repositories

    store = DynamoPulseStore(review_server.table)
    if store.released() is None:
        repos = make_repositories(review_server.table)
        seed_demo_pulses(repos, store, InvitationTokens(TEST_SECRET), current_program(repos),
                         datetime.now(UTC).replace(microsecond=0), CURRENT_WAVE)
    return review_server


def test_the_moments_page_tells_the_demo_story_and_passes_axe(moments, staff_page):
    page = staff_page
    sign_in(page, moments)
    page.goto(f"{moments.url}/staff/moments")
    assert page.locator("h1").inner_text().startswith("Moments")
    poc = page.locator("section[aria-labelledby='h-poc_funded']")
    apj = poc.locator("table", has_text="by region").locator("tr", has_text="Asia Pacific")
    assert apj.locator("td").nth(1).inner_text().startswith("-")  # slow PoC funding in APJ: a negative NPS
    assert "relationship NPS" in page.locator("#h-link ~ p").first.inner_text()
    assert page.locator("#release").inner_text().startswith("Released ")  # the copy released by k
    screenshot(page, "moments", publish=True)
    assert axe_violations(page, "moments") == []


def test_the_moments_page_fits_360_px(moments, review_browser):
    context = review_browser.new_context(viewport={"width": 360, "height": 780}, device_scale_factor=1,
                                         bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, moments)
        page.goto(f"{moments.url}/staff/moments")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert axe_violations(page, "moments-360") == []
    finally:
        context.close()
