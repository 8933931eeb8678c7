"""The form never loses a partner's place (issue 23), in Chromium on a 360 x 780 phone and on a desktop,
with and without JavaScript: resume on the page where the partner stopped, answers saved as a page is
left (and while typing), language switch keeps answers, no error for a hidden question, a revealed
question is announced, notices once, first question on the first screen, 44 px targets, local dates."""
from __future__ import annotations

import time

import pytest
import yaml

from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.browser
LOGIC_SURVEY = ROOT / "examples" / "pulse-logic.yaml"
DOCS_IMAGES = ROOT / "docs" / "images"
PHONE = {"viewport": {"width": 360, "height": 780}, "is_mobile": True, "has_touch": True}


def definition() -> dict:
    return yaml.safe_load(LOGIC_SURVEY.read_text("utf-8"))


def click(page, action: str):
    with page.expect_navigation() as navigation:
        page.click(f"form#survey .actions button[value={action}]")
    return navigation.value


def page_id(page) -> str:
    return page.get_attribute("input[name=_page]", "value")


def small_targets(page, selector: str) -> list:
    boxes = [page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())]
    return [b for b in boxes if b and (b["width"] < 44 or b["height"] < 44)]


def wait_for_saved(live_server, link, check, timeout: float = 8.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stored = live_server.stored(link)
        if stored is not None and check(stored):
            return stored
        time.sleep(0.2)
    raise AssertionError(f"not saved in {timeout} s: {live_server.stored(link)}")


def test_without_javascript_on_a_phone_the_partner_keeps_place_and_words(live_server, browser):
    url, link = live_server.invite(definition=definition())
    context = browser.new_context(java_script_enabled=False, bypass_csp=True, **PHONE)
    page = context.new_page()
    try:
        page.goto(url)
        # phone-first: the first question is on the first screen, notices once, 44 px targets
        first = page.locator("#q_nps-0 + label").bounding_box()
        assert first["y"] + first["height"] <= 780
        assert page.locator(".notices").count() == 1
        assert small_targets(page, ".scale-option label") == []
        assert small_targets(page, ".language-switch") == []
        # a language switch keeps what was typed (no JavaScript)
        page.check("#q_nps-3")
        with page.expect_navigation():
            page.click(".languages button[value=es]")
        assert page.get_attribute("html", "lang") == "es" and page.is_checked("#q_nps-3")
        # Next reveals a question on this page: shown again, announced, no error
        again = click(page, "next")
        assert "revealed=q_fix_first" in again.url and page.locator("#revealed-notice").is_visible()
        assert page.locator(".error-summary").count() == 0
        page.fill("#q_fix_first-input", "Pagos más rápidos")
        click(page, "next")
        assert page_id(page) == "programs"
        assert page.locator(".notices").count() == 0 and page.locator(".intro").count() == 0  # notices once
        # a required question revealed by this page's answer: shown, never reported as unanswered
        page.check("#q_programs_used-technical_assessment")
        click(page, "next")
        assert page_id(page) == "programs" and page.locator(".error-summary").count() == 0
        page.check("#q_sat_ta-na")
        click(page, "next")
        assert page_id(page) == "experience"  # each page was saved as the partner left it
        assert live_server.stored(link).page == "experience"
        # resume: a fresh visit opens the page where the partner stopped
        page.goto(url)
        assert page_id(page) == "experience" and page.get_attribute("html", "lang") == "es"
        # matrix: each row carries the scale's end labels on a phone; 44 px cells
        assert page.locator(".matrix-row-ends").first.is_visible()
        assert small_targets(page, ".matrix-cell label") == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(DOCS_IMAGES / "form-resume-360-nojs.png"), full_page=False)
        page.check("[id='q_experience.portal-4']")
        page.check("[id='q_experience.support-na']")
        page.check("[id='q_experience.payouts-4']")
        click(page, "submit")
        assert page.url == f"{url}/thanks"
        thanks = page.locator("main").inner_text()
        assert " de " in thanks and "-" not in thanks.split("hasta")[-1][:12]  # "4 de febrero de 2027", not ISO
    finally:
        context.close()


def test_with_javascript_phone_answers_are_saved_while_typing_and_resume_on_the_desktop(live_server, browser):
    url, link = live_server.invite(definition=definition())
    phone = browser.new_context(bypass_csp=True, **PHONE)
    page = phone.new_page()
    try:
        page.goto(url)
        page.check("#q_nps-3")
        # the newly shown question is announced to screen readers
        assert "What should we fix first?" in page.locator("#live-announcer").inner_text()
        page.fill("#q_fix_first-input", "Typed on a phone")
        page.press("#q_fix_first-input", "Enter")  # a text area takes Enter as a line break
        wait_for_saved(live_server, link, lambda r: (r.answers.get("q_fix_first") or "").startswith("Typed"))
        click(page, "next")
        click(page, "next")
        assert page_id(page) == "experience"
        page.check("[id='q_experience.portal-4']")
        page.check("[id='q_experience.payouts-1']")  # reveals q_payouts_why, live
        page.press("[id='q_experience.payouts-1']", "Enter")  # Enter never moves the partner away
        assert page_id(page) == "experience"
        saved = wait_for_saved(live_server, link, lambda r: r.answers.get("q_experience") == {"portal": 4,
                                                                                            "payouts": 1})
        assert saved.page == "experience" and saved.status == "partial"
        page.goto(url)  # the phone again: resumes on the matrix page with its answers
        assert page_id(page) == "experience" and page.is_checked("[id='q_experience.portal-4']")
        page.screenshot(path=str(DOCS_IMAGES / "form-resume-360.png"), full_page=False)
    finally:
        phone.close()
    desktop = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = desktop.new_page()
    try:
        page.goto(url)
        assert page_id(page) == "experience"
        assert page.is_checked("[id='q_experience.portal-4']") and page.is_checked("[id='q_experience.payouts-1']")
        assert page.locator("#wrap-q_payouts_why").is_visible()
    finally:
        desktop.close()


def test_with_javascript_autosaves_chain_and_a_late_one_never_undoes_next(live_server, browser):
    """Each autosave builds on the version the previous one returned (else the second would be refused),
    and an autosave the server receives after Next is refused: Next's page and words stay."""
    url, link = live_server.invite(definition=definition())
    context = browser.new_context(bypass_csp=True, **PHONE)
    page = context.new_page()
    try:
        page.goto(url)
        page.check("#q_nps-3")
        page.fill("#q_fix_first-input", "Payouts")
        wait_for_saved(live_server, link, lambda r: r.answers.get("q_fix_first") == "Payouts")
        page.fill("#q_fix_first-input", "Payouts, and the portal")
        first = wait_for_saved(live_server, link, lambda r: r.answers.get("q_fix_first") == "Payouts, and the portal")
        assert page.get_attribute("#base-version", "value") == str(first.version)
        late = page.evaluate("""() => { const data = new FormData(document.getElementById('survey'));
            data.set('_action', 'autosave'); data.set('q_fix_first', 'Payouts, and');
            return new URLSearchParams(data).toString(); }""")  # built now, delivered after Next
        page.fill("#q_fix_first-input", "Payouts, and the portal search")
        click(page, "next")
        assert page_id(page) == "programs"
        status = page.evaluate("""([url, body]) => fetch(url, {method: 'POST', body: body,
            headers: {'Content-Type': 'application/x-www-form-urlencoded'}}).then(r => r.status)""",
                               [page.url.split("?")[0], late])
        assert status == 409
        stored = live_server.stored(link)
        assert stored.answers["q_fix_first"] == "Payouts, and the portal search" and stored.page == "programs"
    finally:
        context.close()
