"""A follow-up whose e-mail failed says so in the queue staff work from (not only in a log)."""
import json

from tests.review.conftest import session_form
from tests.unit.test_followup_notice_failures import make_followup


def test_the_queue_shows_a_failed_notice_next_to_the_assignee(moto_table, app_env):
    from chalice.test import Client

    from app import app
    from chalicelib.storage.followups import DynamoFollowupRepository

    app_env(moto_table)
    repo = DynamoFollowupRepository(moto_table)
    repo.add_if_absent(make_followup("I1"))
    repo.add_if_absent(make_followup("I2", partner_name="Globex"))
    repo.mark_notice("w1", "I1", "reminder", "failed", "MailRejected: SES rejected the message", "2026-05-04T09:00:00Z")
    repo.mark_notice("w1", "I2", "assigned", "sent", "", "2026-05-04T09:00:00Z")
    cookie, _ = session_form("analyst")
    with Client(app, stage_name="test") as client:
        page = client.http.get("/staff/followups?wave=w1", headers=cookie)
        api = client.http.get("/api/v1/staff/waves/w1/followups", headers=cookie)
    body = page.body.decode()
    assert page.status_code == 200
    assert body.count("E-mail to the assignee failed") == 1 and "SES rejected the message" in body
    items = {f["invitation_id"]: f for f in json.loads(api.body)["items"]}
    assert items["I1"]["notice_status"] == "failed" and items["I2"]["notice_status"] == "sent"
