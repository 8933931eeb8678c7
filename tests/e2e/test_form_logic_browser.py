"""The paged form with display logic, N/A and a matrix, in Chromium: with JavaScript (live) and
without (the server evaluates the logic page by page), at desktop width and at 360 px."""
from __future__ import annotations

import os

import pytest
import yaml

from tests.e2e.conftest import ROOT, axe_violations

pytestmark = pytest.mark.browser
LOGIC_SURVEY = ROOT / "examples" / "pulse-logic.yaml"
DOCS_IMAGES = ROOT / "docs" / "images"
UPDATE_DOCS = os.environ.get("PULSE_DOCS_SCREENSHOTS") == "1"  # refresh docs/images/form-logic-*.png
EXPECTED = {"q_nps": 3, "q_fix_first": "Faster payouts", "q_programs_used": ["technical_assessment"],
            "q_sat_ta": "na", "q_experience": {"portal": 4, "support": "na", "payouts": 2}}


def definition() -> dict:
    return yaml.safe_load(LOGIC_SURVEY.read_text("utf-8"))


def click(page, action: str):
    with page.expect_navigation() as navigation:
        page.click(f"button[value={action}]")
    return navigation.value


def progress(page) -> str:
    return page.locator(".page-progress label").inner_text()


def fill_matrix(page) -> None:
    page.check("[id='q_experience.portal-4']")
    page.check("[id='q_experience.support-na']")
    page.check("[id='q_experience.payouts-2']")


def test_with_javascript_questions_appear_live_and_pages_keep_answers(live_server, browser, artifacts):
    url, link = live_server.invite(definition=definition())
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(url)
        assert progress(page) == "Section 1 of 3"
        assert page.locator("button[value=save]").is_visible()  # save and finish later on every page
        assert page.locator("legend").first.inner_text().startswith(f"How likely is {link.partner.name} ")
        assert page.locator("#wrap-q_fix_first").is_hidden()
        page.check("#q_nps-3")
        assert page.locator("#wrap-q_fix_first").is_visible()  # live, no round trip
        page.check("#q_nps-9")
        assert page.locator("#wrap-q_fix_first").is_hidden() and page.is_disabled("#q_fix_first-input")
        page.check("#q_nps-3")
        page.fill("#q_fix_first-input", "Faster payouts")
        page.press("#q_nps-3", "Enter")  # Enter on a radio does not send the survey
        assert page.url == url
        assert axe_violations(page, "logic-page-1") == []
        click(page, "next")
        assert progress(page) == "Section 2 of 3" and page.locator("button[value=save]").is_visible()
        assert page.locator("#wrap-q_sat_ta").is_hidden()
        page.check("#q_programs_used-technical_assessment")
        page.check("#q_sat_ta-na")
        click(page, "next")
        assert progress(page) == "Section 3 of 3"
        assert page.locator("#section-experience").inner_text() == "Your experience (Advanced tier)"
        assert page.locator(".matrix-table th[scope=row]").count() == 3
        assert page.locator("#wrap-q_payouts_why").is_hidden()
        fill_matrix(page)
        assert page.locator("#wrap-q_payouts_why").is_visible()  # follows a matrix row, live
        page.fill("#q_payouts_why-input", "Claims take 90 days")
        assert axe_violations(page, "logic-matrix") == []
        page.screenshot(path=str(artifacts / "form-logic-desktop.png"), full_page=True)
        if UPDATE_DOCS:
            page.screenshot(path=str(DOCS_IMAGES / "form-logic-desktop.png"), full_page=True)
        click(page, "submit")
        assert page.url == f"{url}/thanks"
        assert live_server.stored(link).answers == {**EXPECTED, "q_payouts_why": "Claims take 90 days"}
    finally:
        context.close()


def test_without_javascript_at_360px_the_server_applies_the_logic_page_by_page(live_server, browser, artifacts):
    url, link = live_server.invite(definition=definition())
    context = browser.new_context(java_script_enabled=False, bypass_csp=True,
                                  viewport={"width": 360, "height": 780}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(url)
        assert page.locator("#wrap-q_fix_first").is_hidden()
        page.check("#q_nps-3")
        page.press("#q_nps-3", "Enter")  # no JavaScript: Enter neither sends the form nor reloads the page
        page.wait_for_timeout(300)
        assert page.url == url and live_server.stored(link) is None and page.is_checked("#q_nps-3")
        again = click(page, "next")  # the server applies the logic: this page again, the new question announced
        assert "revealed=q_fix_first" in again.url and progress(page) == "Section 1 of 3"
        assert page.locator("#revealed-notice").is_visible() and page.locator("#wrap-q_fix_first").is_visible()
        assert page.locator(".error-summary").count() == 0
        page.fill("#q_fix_first-input", "Faster payouts")
        click(page, "next")
        assert progress(page) == "Section 2 of 3"
        page.check("#q_programs_used-technical_assessment")
        click(page, "next")
        assert progress(page) == "Section 2 of 3" and page.locator("#wrap-q_sat_ta").is_visible()
        page.check("#q_sat_ta-na")
        saved = click(page, "save")  # save and finish later, then come back to the same page
        assert "saved=1" in saved.url and progress(page) == "Section 2 of 3"
        assert live_server.stored(link).status == "partial"
        click(page, "next")
        assert progress(page) == "Section 3 of 3"
        # one column on a phone: the rows stack, nothing scrolls sideways
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        fill_matrix(page)
        # the matrix row headers keep their table semantics for screen readers
        assert page.locator("table.matrix-table tbody th[scope=row]").count() == 3
        page.screenshot(path=str(artifacts / "form-logic-360.png"), full_page=True)
        if UPDATE_DOCS:
            page.screenshot(path=str(DOCS_IMAGES / "form-logic-360.png"), full_page=True)
        click(page, "submit")
        assert page.url == f"{url}/thanks"
        assert live_server.stored(link).answers == EXPECTED
    finally:
        context.close()


def test_at_360px_with_javascript_the_matrix_page_has_no_axe_violations(live_server, browser):
    url, link = live_server.invite(definition=definition())
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 780})
    page = context.new_page()
    try:
        page.goto(url)
        page.check("#q_nps-9")
        click(page, "next")
        click(page, "next")
        assert progress(page) == "Section 3 of 3"
        assert axe_violations(page, "logic-matrix-360") == []
        click(page, "submit")  # the required matrix is empty: the error shows on this page
        assert page.locator("#q_experience-error").is_visible()
        page.check("[id='q_experience.portal-4']")
        assert page.locator("#q_experience-error").count() == 0  # cleared as soon as it is answered
    finally:
        context.close()
