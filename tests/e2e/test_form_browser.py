"""The partner form in a real browser (Chromium via Playwright) against chalice local + DynamoDB Local."""
from __future__ import annotations

import os

import pytest
import requests

from tests.e2e.conftest import ROOT, axe_violations

pytestmark = pytest.mark.browser
DOCS_IMAGES = ROOT / "docs" / "images"
UPDATE_DOCS = os.environ.get("PULSE_DOCS_SCREENSHOTS") == "1"  # refresh the README's screenshots

TEXT_QUESTIONS = {"q_nps_reason", "q_fix_first"}
REQUIRED_ONLY = {"q_nps": 6, "q_sat_value": 3, "q_sat_incentives": 3, "q_sat_deal_reg": 3, "q_sat_portal": 3,
                 "q_sat_enablement": 3, "q_sat_account_mgr": 3, "q_sat_support": 3}
EVERY_TYPE = {
    "q_nps": 8, "q_nps_reason": "Deal registration is fast — 速い & <b>clear</b>",
    "q_sat_value": 4, "q_sat_incentives": 2, "q_sat_deal_reg": 5, "q_sat_portal": 3, "q_sat_enablement": 1,
    "q_programs_used": ["technical_assessment", "partner_to_partner"],
    "q_sat_ta": 5, "q_sat_p2p": 2, "q_sat_account_mgr": 4, "q_sat_support": 3,
    "q_business_model": "managed", "q_fix_first": "Faster payouts\nand clearer rules",
}


def fill(page, answers: dict) -> None:
    """Answer questions the way a person does: check radios/boxes, type into text areas."""
    for qid, value in answers.items():
        if qid in TEXT_QUESTIONS:
            page.fill(f"#{qid}-input", value)
        else:
            for one in value if isinstance(value, list) else [value]:
                page.check(f"#{qid}-{one}")


def submit(page, action: str = "submit"):
    with page.expect_navigation() as navigation:
        page.click(f"button[value={action}]")
    return navigation.value


def test_every_question_type_is_stored_exactly_as_entered(live_server, page):
    url, link = live_server.invite()
    page.goto(url)
    fill(page, EVERY_TYPE)
    submit(page)
    assert page.url == f"{url}/thanks"
    assert page.locator("h1").inner_text() == "Thank you"
    response = live_server.stored(link)
    assert response.status == "submitted"
    assert response.answers == EVERY_TYPE
    assert response.language == "en"


def test_errors_show_summary_and_messages_keep_answers_then_fix_and_submit(live_server, browser, artifacts):
    url, link = live_server.invite()
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(url)
        assert axe_violations(page, "form") == []
        fill(page, {"q_nps_reason": "Kept after the error", "q_sat_value": 2,
                    "q_programs_used": ["proof_of_concept"], "q_business_model": "services"})
        failed = submit(page)
        assert failed.status == 400
        summary = page.locator("#error-summary")
        assert summary.is_visible()
        assert page.evaluate("document.activeElement.id") == "error-summary"
        assert summary.locator("a").count() == 7  # q_nps and six more required ratings
        assert page.locator("#q_nps-error").inner_text().endswith("Answer this question.")
        assert page.input_value("#q_nps_reason-input") == "Kept after the error"
        assert page.is_checked("#q_sat_value-2") and page.is_checked("#q_programs_used-proof_of_concept")
        assert page.is_checked("#q_business_model-services")
        page.click("#error-summary a[href='#q_nps-0']")
        assert page.evaluate("document.activeElement.id") == "q_nps-0"
        assert axe_violations(page, "error-state") == []
        page.screenshot(path=str(artifacts / "form-errors.png"))
        assert live_server.stored(link) is None

        fill(page, {k: v for k, v in REQUIRED_ONLY.items() if k != "q_sat_value"})
        assert submit(page).status == 200
        assert page.url == f"{url}/thanks"
        assert axe_violations(page, "thank-you") == []
        stored = live_server.stored(link)
        assert stored.status == "submitted"
        assert stored.answers == {**REQUIRED_ONLY, "q_sat_value": 2, "q_nps_reason": "Kept after the error",
                                  "q_programs_used": ["proof_of_concept"], "q_business_model": "services"}
    finally:
        context.close()


def test_save_and_finish_later_then_reopen_and_finish(live_server, browser):
    url, link = live_server.invite()
    first = browser.new_context()
    page = first.new_page()
    page.goto(url)
    fill(page, {"q_nps": 9, "q_nps_reason": "Saved for later"})
    submit(page, "save")
    assert page.url == f"{url}?saved=1"
    assert page.get_by_role("status").inner_text().startswith("Your answers are saved")
    assert live_server.stored(link).status == "partial"
    first.close()

    second = browser.new_context()  # another device: nothing but the link
    page = second.new_page()
    page.goto(url)
    assert page.is_checked("#q_nps-9")
    assert page.input_value("#q_nps_reason-input") == "Saved for later"
    fill(page, {k: v for k, v in REQUIRED_ONLY.items() if k != "q_nps"})
    submit(page)
    assert page.url == f"{url}/thanks"
    second.close()
    stored = live_server.stored(link)
    assert stored.status == "submitted"
    assert stored.answers == {**REQUIRED_ONLY, "q_nps": 9, "q_nps_reason": "Saved for later"}


def test_keyboard_only_completion(live_server, page):
    """Tab through the page; Space checks, arrow keys move within a radio group, Enter submits."""
    url, link = live_server.invite()
    page.goto(url)
    seen_groups: set[str] = set()
    for _ in range(300):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const e = document.activeElement;
            return {tag: e.tagName, type: e.type || '', name: e.name || '', value: e.value || ''}; }""")
        if focused["type"] == "radio" and focused["name"] not in seen_groups:
            seen_groups.add(focused["name"])
            page.keyboard.press("Space")
            for _ in range(3):
                page.keyboard.press("ArrowRight")
        elif focused["type"] == "checkbox" and focused["value"] == "proof_of_concept":
            page.keyboard.press("Space")
        elif focused["tag"] == "TEXTAREA":
            page.keyboard.type("Typed with the keyboard")
        elif focused["tag"] == "BUTTON" and focused["value"] == "submit":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            break
    else:
        pytest.fail("never reached the submit button with Tab")
    assert page.url == f"{url}/thanks"
    answers = live_server.stored(link).answers
    assert answers["q_nps"] == 3  # 0 checked by Space, then three steps right
    assert answers["q_sat_value"] == 4 and answers["q_sat_support"] == 4
    assert answers["q_business_model"] == "managed"  # the fourth of four options
    assert answers["q_programs_used"] == ["proof_of_concept"]
    assert answers["q_fix_first"] == "Typed with the keyboard"


def test_form_fits_a_360_px_screen_without_horizontal_scrolling(live_server, browser, artifacts):
    url, _ = live_server.invite()
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1)
    page = context.new_page()
    try:
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(artifacts / "form-360.png"), full_page=True)
        if UPDATE_DOCS:
            page.screenshot(path=str(DOCS_IMAGES / "form-360.png"))
        assert (artifacts / "form-360.png").stat().st_size > 0
    finally:
        context.close()


def test_desktop_screenshot(live_server, page, artifacts):
    url, _ = live_server.invite()
    page.goto(url)
    page.screenshot(path=str(artifacts / "form-desktop.png"), full_page=True)
    if UPDATE_DOCS:
        page.screenshot(path=str(DOCS_IMAGES / "form-desktop.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_japanese_contact_sees_the_form_in_japanese(live_server, page, artifacts):
    url, link = live_server.invite(language="ja")
    page.goto(url)
    assert page.get_attribute("html", "lang") == "ja"
    assert page.locator("h1").inner_text() == "パートナーエクスペリエンス調査"
    assert page.locator(".progress").first.inner_text() == "セクション 1 / 4"
    assert page.locator("button[value=submit]").inner_text() == "回答を送信"
    assert "まったく薦めない" in page.locator("#q_nps-ends").inner_text()
    page.screenshot(path=str(artifacts / "form-ja.png"))
    fill(page, {"q_nps_reason": "サポートがとても丁寧です"})
    failed = submit(page)
    assert failed.status == 400
    assert page.locator("#error-summary h2").inner_text() == "入力内容に問題があります"
    assert page.input_value("#q_nps_reason-input") == "サポートがとても丁寧です"


def test_xss_payload_in_a_comment_is_shown_back_inert(live_server, page):
    url, link = live_server.invite()
    payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>"\'><b>bold</b>'
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    fill(page, {"q_fix_first": payload})
    assert submit(page).status == 400  # required answers missing: the comment comes back in the error page
    for _ in range(2):
        assert page.input_value("#q_fix_first-input") == payload
        assert page.evaluate("window.__xss") is None
        assert page.locator("main img, main b, form script").count() == 0
        submit(page, "save")  # and again from storage
    assert live_server.stored(link).answers["q_fix_first"] == payload
    assert dialogs == []


def test_the_form_works_without_javascript(live_server, browser):
    url, link = live_server.invite()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(url)
        fill(page, REQUIRED_ONLY)
        submit(page)
        assert page.url == f"{url}/thanks"
    finally:
        context.close()
    assert live_server.stored(link).answers == REQUIRED_ONLY


def test_head_and_get_over_http_send_the_headers_and_write_nothing(live_server):
    import urllib.request

    url, link = live_server.invite()
    before = live_server.repos.invitations.get(link.invitation.invitation_id)
    for method in ("HEAD", "GET"):
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as response:  # noqa: S310
            assert response.status == 200
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
            assert response.headers["Referrer-Policy"] == "no-referrer"
            assert response.headers["Cache-Control"] == "no-store"
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert live_server.repos.invitations.get(link.invitation.invitation_id) == before
    assert live_server.stored(link) is None


def test_switching_language_mid_way_keeps_what_was_typed(live_server, page):
    url, link = live_server.invite()
    page.goto(url)
    fill(page, {"q_nps": 7, "q_nps_reason": "Typed in English first"})
    with page.expect_navigation():
        page.click(".languages button[value=de]")
    assert page.get_attribute("html", "lang") == "de"
    assert page.locator("button[value=submit]").inner_text() == "Antworten absenden"
    assert page.is_checked("#q_nps-7")
    assert page.input_value("#q_nps_reason-input") == "Typed in English first"
    assert live_server.stored(link) is None
    fill(page, {k: v for k, v in REQUIRED_ONLY.items() if k != "q_nps"})
    submit(page)
    assert page.url == f"{url}/thanks"
    assert live_server.stored(link).language == "de"


def test_opening_the_form_in_a_browser_marks_the_invitation_opened(live_server, page):
    url, link = live_server.invite()
    requests.head(url, timeout=10)
    requests.get(url, timeout=10)  # what an e-mail security scanner does
    assert live_server.repos.invitations.get(link.invitation.invitation_id).state == "created"
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert live_server.repos.invitations.get(link.invitation.invitation_id).state == "opened"
