""""What we changed since last time" on the next wave's form, in Chromium on a 360 x 780 phone: the
block lists the partner's done actions (collapsed), and the first question stays on the first screen."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 360, "height": 780}, "is_mobile": True, "has_touch": True}


def given_a_told_action_from_an_earlier_wave(live_server, partner_id: str) -> str:
    from chalicelib.domain.actions import new_action, updated_action
    from chalicelib.services.catalogue import open_wave
    from chalicelib.storage.actions import DynamoActionRepository
    from tests.builders import NOW

    earlier = NOW - timedelta(days=180)
    wave_id = f"w-early-{uuid.uuid4().hex[:8]}"
    open_wave(live_server.repos, "px", wave_id, (earlier + timedelta(days=30)).date().isoformat(), earlier)
    action = new_action({"title": "Payout terms", "owner": "lead@vendor.example", "due": "2026-03-01",
                         "finding": {"kind": "driver", "wave_id": wave_id, "ref": "q_sat_incentives"},
                         "segments": {"partners": [partner_id]}}, "lead@vendor.example", NOW,
                        f"act-e2e{uuid.uuid4().hex[:8]}")
    for status in ("approved", "in_progress", "done"):
        action = updated_action(action, {"status": status}, "lead@vendor.example", NOW)
    summary = "Incentive payouts now arrive within 30 days, as you asked."
    DynamoActionRepository(live_server.table).add({**action, "public_summary": summary,
                                                    "told_at": NOW.strftime("%Y-%m-%dT%H:%M:%SZ")})
    return summary


def test_the_next_form_lists_what_changed_and_keeps_the_first_question_on_a_phones_first_screen(
        live_server, browser, artifacts):
    url, link = live_server.invite()
    summary = given_a_told_action_from_an_earlier_wave(live_server, link.partner.partner_id)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(url)
        block = page.locator("#since-last")
        assert block.count() == 1
        assert page.locator("#since-last summary").inner_text() == "What we changed since last time"
        first = page.locator("#q_nps-0 + label").bounding_box()
        assert first["y"] + first["height"] <= 780  # the first question is still on the first screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.click("#since-last summary")
        assert summary in block.inner_text() and page.locator("#since-last li").count() == 1
        page.screenshot(path=str(artifacts / "form-since-last-360.png"))
        with page.expect_navigation():  # in the partner's other form language, the heading follows
            page.click(".languages button[value=es]")
        assert page.locator("#since-last summary").inner_text() == "Lo que cambiamos desde la última vez"
    finally:
        context.close()
    other_url, _ = live_server.invite()  # another partner: nothing listed
    page = browser.new_page()
    try:
        page.goto(other_url)
        assert page.locator("#since-last").count() == 0
    finally:
        page.close()
