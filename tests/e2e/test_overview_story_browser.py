# ruff: noqa: F811  (pytest fixtures imported from tests.e2e.review_live are used as arguments)
"""The overview that leads somewhere, on the demo data in Chromium: headline, what changed, fix
first, then segments; one driver panel behind a segment selector; no horizontal overflow and chart
text of at least 11 px at 360 px and on desktop, on every staff page; axe-core clean."""
from tests.e2e.review_live import (
    DOC_IMAGES,
    WAVE,
    screenshot,
    serious_axe_violations,
)

MIN_CHART_TEXT_PX = 11
LAYOUT = """() => {
  const sizes = [...document.querySelectorAll('svg.chart text')].map(t => {
    const m = t.getScreenCTM(); return parseFloat(t.getAttribute('font-size')) * Math.hypot(m.a, m.b); });
  return {overflow: document.documentElement.scrollWidth - window.innerWidth,
          smallest: sizes.length ? Math.min(...sizes) : null, charts: document.querySelectorAll('svg.chart').length};
}"""


def _signed_in_page(browser, server, width, height=900, role="analyst"):
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{server.url}/staff/login")
    page.fill("#token", server.token(role))
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page


def _first_screen(page, name: str) -> None:
    DOC_IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOC_IMAGES / f"{name}.png"))


def test_overview_leads_from_headline_to_changes_to_fix_first_then_segments(review_server, review_browser):
    context, page = _signed_in_page(review_browser, review_server, 1280)
    try:
        page.goto(f"{review_server.url}/staff?wave={WAVE}")
        order = page.evaluate("""() => ['h-kpi', 'h-changed', 'h-fix', 'h-tier', 'h-region', 'h-drivers']
            .map(id => document.getElementById(id).getBoundingClientRect().top + window.scrollY)""")
        assert order == sorted(order)
        assert page.locator("#changes li[data-question='q_sat_incentives']").count() >= 1  # the question change
        assert page.locator("#fix-first li").first.inner_text().startswith("Incentive payouts")
        assert page.locator(".driver").count() == 1  # one panel behind the selector, not 13
        layout = page.evaluate(LAYOUT)
        assert layout["overflow"] <= 0 and layout["smallest"] >= MIN_CHART_TEXT_PX, layout
        region_labels = page.eval_on_selector_all(
            "#nps-region-t ~ text", "ts => ts.map(t => t.getBBox().x)")
        assert region_labels and min(region_labels) >= 0  # no label starts left of the chart (clipped)
        assert serious_axe_violations(page, "overview-story") == []
        screenshot(page, "overview-desktop", publish=True)
        _first_screen(page, "overview-desktop-first-screen")

        page.select_option("#drivers", "tier:enrolled")
        page.click("#driver-choice button")
        page.wait_for_load_state()
        assert page.locator(".driver h3").inner_text().startswith("Enrolled")

        page.goto(f"{review_server.url}/staff?wave={WAVE}&tier=principal")
        assert "Principal" in page.locator("#h-kpi").inner_text()
        assert page.locator("#filter-note").count() == 1
    finally:
        context.close()


def test_no_staff_page_overflows_at_360_px_and_chart_text_stays_readable(review_server, review_browser):
    context, page = _signed_in_page(review_browser, review_server, 360, 780)
    try:
        checked = {}
        pages = (("overview", f"/staff?wave={WAVE}"), ("questions", f"/staff/questions?wave={WAVE}"),
                 ("comments", f"/staff/comments?wave={WAVE}"), ("followups", f"/staff/followups?wave={WAVE}"))
        for name, path in pages:
            page.goto(review_server.url + path)
            layout = page.evaluate(LAYOUT)
            checked[name] = layout
            if name == "overview":
                _first_screen(page, "overview-360")
                screenshot(page, "overview-360-full", publish=True)
        for name, layout in checked.items():
            assert layout["overflow"] <= 0, (name, layout)
            assert layout["smallest"] is None or layout["smallest"] >= MIN_CHART_TEXT_PX, (name, layout)
        assert checked["overview"]["charts"] >= 5
    finally:
        context.close()
