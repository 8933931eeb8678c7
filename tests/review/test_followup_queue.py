"""The follow-up queue a team can work: paging, sorting, filters, assignment with a notice,
closing inline without losing the note, SLA reminders."""
import email
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from tests.review.conftest import SMALL_WAVE, auth, get_json, session_form
from tests.review.test_dashboard_pages import html

BASE = f"/api/v1/staff/waves/{SMALL_WAVE}/followups"


@pytest.fixture
def outbox(tmp_path, monkeypatch):
    from chalicelib import wiring

    monkeypatch.setenv("PULSE_OUTBOX_DIR", str(tmp_path))
    monkeypatch.setenv("PULSE_MAIL_FROM", "Pulse <pulse@vendor.example>")
    wiring.reset()
    return tmp_path


def test_pages_sort_and_filter_the_queue(small):
    _, everything = get_json(small, BASE + "?limit=100", auth("analyst"))
    total = everything["total"]
    assert total >= 3 and len(everything["items"]) == total
    _, first = get_json(small, BASE + "?limit=2&sort=-nps", auth("analyst"))
    _, second = get_json(small, BASE + "?limit=2&sort=-nps&page=2", auth("analyst"))
    assert first["pages"] == -(-total // 2) and len(first["items"]) == 2
    assert not {f["invitation_id"] for f in first["items"]} & {f["invitation_id"] for f in second["items"]}
    scores = [f["nps"] for f in first["items"] + second["items"]]
    assert scores == sorted(scores, reverse=True)
    _, apj = get_json(small, BASE + "?region=APJ&limit=100", auth("analyst"))
    assert apj["total"] == sum(f["region"] == "APJ" for f in everything["items"])
    assert {f["region"] for f in apj["items"]} <= {"APJ"}
    _, late = get_json(small, BASE + "?overdue=true", auth("analyst"))
    assert late["total"] == 0  # the SLA has not passed for any of them
    _, mine = get_json(small, BASE + "?assignee=am@vendor.example&status=open", auth("analyst"))
    assert mine["total"] == sum(f["status"] == "open" for f in everything["items"])


@pytest.mark.parametrize(("query", "field"), [("sort=colour", "sort"), ("overdue=maybe", "overdue"),
                                               ("page=0", "page"), ("limit=500", "limit"), ("owner=x", "owner"),
                                               ("status=done", "status")])
def test_bad_queue_parameters_are_a_400_naming_the_field(small, query, field):
    status, body = get_json(small, f"{BASE}?{query}", auth("analyst"))
    assert status == 400 and field in json.dumps(body)


def test_reassigning_mails_the_new_assignee_and_notes_it(small, outbox):
    _, queue = get_json(small, BASE, auth("analyst"))
    target = queue["items"][0]
    response = small.http.patch(f"{BASE}/{target['invitation_id']}", headers={
        **auth("analyst", subject="lead@vendor.example"), "Content-Type": "application/json"},
        body=json.dumps({"assignee": "kim@vendor.example"}))
    assert response.status_code == 200
    updated = json.loads(response.body)
    assert updated["assignee"] == "kim@vendor.example"
    assert updated["notes"][-1]["text"] == "assigned to kim@vendor.example"
    [mail] = list(outbox.rglob("*.eml"))
    message = email.message_from_bytes(mail.read_bytes())
    assert message["To"] == "kim@vendor.example" and message["Subject"].startswith("Follow-up assigned:")
    assert "assignee=kim%40vendor.example" in message.get_payload(decode=True).decode()
    bad = small.http.patch(f"{BASE}/{target['invitation_id']}", headers={
        **auth("analyst"), "Content-Type": "application/json"}, body=json.dumps({"assignee": "kim"}))
    assert bad.status_code == 400 and "assignee" in bad.body.decode()


def test_closing_without_a_reason_keeps_the_typed_note_inline(small):
    _, queue = get_json(small, BASE, auth("analyst"))
    target = queue["items"][0]["invitation_id"]
    session, csrf = session_form("analyst")
    form = {"wave": SMALL_WAVE, "invitation_id": target, "status": "closed", "note": "Called them; payouts fixed",
            "back": f"/staff/followups?wave={SMALL_WAVE}&sort=-nps", "csrf": csrf}
    headers = {**session, "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}
    refused = small.http.post("/staff/followups/update", headers=headers, body=urlencode(form))
    page = html(refused)
    assert refused.status_code == 400 and "closing_reason" in page
    assert 'value="Called them; payouts fixed"' in page and 'role="alert"' in page
    assert get_json(small, f"{BASE}?status=closed", auth("analyst"))[1]["total"] == 0
    done = small.http.post("/staff/followups/update", headers=headers,
                           body=urlencode({**form, "closing_reason": "resolved with partner"}))
    assert done.status_code in (302, 303) and "sort=-nps" in done.headers["Location"]
    closed = get_json(small, f"{BASE}?status=closed", auth("analyst"))[1]["items"]
    assert [(f["invitation_id"], f["closing_reason"], f["notes"][-1]["text"]) for f in closed] == [
        (target, "resolved with partner", "Called them; payouts fixed")]


def test_sla_reminder_goes_once_to_due_follow_ups(small, outbox):
    from chalicelib import wiring
    from chalicelib.services.followup_notices import remind_due

    stores = wiring.review_stores()
    now = datetime.now(UTC)
    _, queue = get_json(small, BASE, auth("analyst"))
    total = queue["total"]
    later = now + timedelta(days=4, hours=12)  # the 5-day SLA ends within a day for follow-ups made "now"
    sent = remind_due(stores.followups, wiring.mailer(), "Pulse <pulse@vendor.example>", "http://x", SMALL_WAVE,
                      later)
    assert sent == total == len(list(outbox.rglob("*.eml")))
    assert remind_due(stores.followups, wiring.mailer(), "Pulse <pulse@vendor.example>", "http://x", SMALL_WAVE,
                      later + timedelta(hours=1)) == 0
    assert all(f.get("reminded_at") for f in stores.followups.by_status(SMALL_WAVE, "open"))


def test_closing_reasons_are_the_programs_categories_counted_on_the_page_in_plain_words(small):
    _, queue = get_json(small, BASE, auth("analyst"))
    first, second = (item["invitation_id"] for item in queue["items"][:2])
    session, csrf = session_form("analyst")
    headers = {**session, "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}
    form = {"wave": SMALL_WAVE, "status": "closed", "back": f"/staff/followups?wave={SMALL_WAVE}", "csrf": csrf}

    refused = small.http.post("/staff/followups/update", headers=headers,
                              body=urlencode({**form, "invitation_id": first}))
    alert = html(refused).split('role="alert"')[1].split("</p>")[0]
    assert refused.status_code == 400 and "Closing reason: choose why" in alert and "closing_reason" not in alert
    unknown = small.http.patch(f"{BASE}/{first}", headers={**auth("analyst"), "Content-Type": "application/json"},
                               body=json.dumps({"status": "closed", "closing_category": "bribed"}))
    assert unknown.status_code == 400 and "closing_category" in unknown.body.decode()

    for target, reason in ((first, "resolved"), (second, "no_reply")):
        done = small.http.post("/staff/followups/update", headers=headers,
                               body=urlencode({**form, "invitation_id": target, "closing_category": reason,
                                               "closing_reason": "see the call notes"}))
        assert done.status_code in (302, 303)
    page = html(small.http.get(f"/staff/followups?wave={SMALL_WAVE}", headers=session))
    summary = page.split('id="closed-by-reason"')[1].split("</p>")[0]
    assert "Issue resolved <strong>1</strong>" in summary and "Partner did not reply <strong>1</strong>" in summary
    assert '<option value="resolved">Issue resolved</option>' in page  # the program's categories to choose from
