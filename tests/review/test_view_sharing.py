"""Scheduled sharing of saved views (issue 24), with a fixed clock: colleagues get the link and the headline
figures their own access shows, weekly or monthly, once per period; a colleague who may not see the
view's scope (or never signed in as staff) gets nothing and the sharer is told."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from tests.review.conftest import SMALL_WAVE, login_form, session_form, token

MONDAY = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SHARER = "sam@vendor.example"


class RecordingMailer:
    def __init__(self):
        self.sent = []

    def send(self, mail):
        self.sent.append((mail.recipient, mail.message["Subject"], mail.message.get_content()))
        return mail.key


def sign_in(client, role, scope=None, subject="x@vendor.example"):
    nonce, csrf = login_form(client)
    response = client.http.post("/staff/login", headers={**nonce, **FORM}, body=urlencode(
        {"token": token(role, scope, subject=subject), "next": "/staff", "csrf": csrf}))
    assert response.status_code == 303


@pytest.fixture
def sharing(small, monkeypatch):
    from chalicelib import wiring

    mailer = RecordingMailer()
    monkeypatch.setattr(wiring, "mailer", lambda: mailer)
    session, csrf = session_form("analyst", subject=SHARER)
    headers = {**session, **FORM}
    for name, path in (("All partners", f"/staff?wave={SMALL_WAVE}"),
                       ("EMEA", f"/staff?wave={SMALL_WAVE}&region=EMEA")):
        saved = small.http.post("/staff/views", headers=headers, body=urlencode({"name": name, "path": path,
                                                                                  "csrf": csrf}))
        assert saved.status_code == 303
    return small, headers, csrf, mailer


def share(client, headers, csrf, **fields):
    return client.http.post("/staff/views/share", headers=headers, body=urlencode({**fields, "csrf": csrf}))


def run(now):
    from chalicelib.jobs.share_views import handle_scheduled_event

    return handle_scheduled_event({}, now=now)


def test_each_colleague_gets_what_their_access_shows_once_a_week_and_the_sharer_hears_of_refusals(sharing):
    client, headers, csrf, mailer = sharing
    sign_in(client, "analyst", subject="ana@vendor.example")
    sign_in(client, "viewer", "region=EMEA", subject="emea@vendor.example")
    response = share(client, headers, csrf, name="All partners", cadence="weekly",
                     recipients="ana@vendor.example, emea@vendor.example nobody@vendor.example")
    assert response.status_code == 303
    assert share(client, headers, csrf, name="EMEA", cadence="monthly",
                 recipients="emea@vendor.example").status_code == 303

    assert run(MONDAY) == {"sent": 2, "refused": 2}
    by_recipient = {}
    for recipient, subject, text in mailer.sent:
        by_recipient.setdefault(recipient, []).append((subject, text))
    ana = by_recipient["ana@vendor.example"][0]
    assert ana[0] == "Partner Pulse: All partners (weekly)" and "NPS:" in ana[1] and "Respondents: 10" in ana[1]
    assert f"/staff?wave={SMALL_WAVE}" in ana[1] and SHARER in ana[1]
    emea = by_recipient["emea@vendor.example"]  # only the EMEA view, as the EMEA viewer's own overview shows it:
    # its 7 respondents are withheld there (the 3 others would follow from the program total), so here too
    assert len(emea) == 1 and emea[0][0] == "Partner Pulse: EMEA (monthly)"
    assert "Figures withheld: too few respondents" in emea[0][1] and "-60" not in emea[0][1]
    told = [text for subject, text in by_recipient[SHARER]]
    assert len(told) == 2 and "nobody@vendor.example" not in by_recipient
    assert any("emea@vendor.example" in t and "may see only region=EMEA" in t for t in told)
    assert any("nobody@vendor.example" in t and "has not signed in" in t for t in told)
    page = client.http.get(f"/staff?wave={SMALL_WAVE}", headers={"Cookie": headers["Cookie"]}).body.decode()
    assert "last not sent (2026-W10): emea@vendor.example may see only region=EMEA" in page

    mailer.sent.clear()
    assert run(MONDAY + timedelta(days=1)) == {"sent": 0, "refused": 0}  # the same week and month
    assert run(MONDAY + timedelta(days=6, hours=16)) == {"sent": 0, "refused": 0}
    assert run(MONDAY + timedelta(days=7)) == {"sent": 1, "refused": 2}  # next week; the monthly one waits
    assert run(MONDAY + timedelta(days=30)) == {"sent": 2, "refused": 2}  # April: weekly and monthly


def test_a_stopped_share_sends_nothing(sharing):
    client, headers, csrf, mailer = sharing
    sign_in(client, "analyst", subject="ana@vendor.example")
    assert share(client, headers, csrf, name="All partners", cadence="weekly",
                 recipients="ana@vendor.example").status_code == 303
    stopped = client.http.post("/staff/views/unshare", headers=headers, body=urlencode(
        {"name": "All partners", "recipient": "ana@vendor.example", "csrf": csrf}))
    assert stopped.status_code == 303
    assert run(MONDAY) == {"sent": 0, "refused": 0} and mailer.sent == []


@pytest.mark.parametrize("fields, field", [
    ({"name": "No such view", "recipients": "a@vendor.example", "cadence": "weekly"}, "name"),
    ({"name": "All partners", "recipients": "not an address", "cadence": "weekly"}, "recipients"),
    ({"name": "All partners", "recipients": "", "cadence": "weekly"}, "recipients"),
    ({"name": "All partners", "recipients": "a@vendor.example", "cadence": "daily"}, "cadence"),
    ({"name": "All partners", "recipients": " ".join(f"p{i}@vendor.example" for i in range(21)),
      "cadence": "weekly"}, "recipients"),
])
def test_bad_share_forms_are_400_naming_the_field_and_share_nothing(sharing, fields, field):
    from chalicelib import wiring

    client, headers, csrf, _ = sharing
    response = share(client, headers, csrf, **fields)
    assert response.status_code == 400 and f"{field}:" in response.body.decode()
    assert wiring.review_stores().view_shares.active() == []


def test_sharing_needs_a_signed_in_form_with_its_token(sharing):
    client, headers, _, _ = sharing
    assert client.http.post("/staff/views/share", headers=headers, body=urlencode(
        {"name": "All partners", "recipients": "a@vendor.example", "cadence": "weekly"})).status_code == 403
    assert client.http.post("/staff/views/share", headers=FORM, body="name=x").status_code == 401
