"""Opt-out links (GET confirms, POST and RFC 8058 one-click record), suppression, opens."""
from __future__ import annotations

from datetime import timedelta

import pytest
from chalice.test import Client

from app import app
from chalicelib.domain.errors import InvalidInput, InvitationNotFound
from chalicelib.services.distribution import (
    apply_ses_notification,
    opt_out,
    record_opened,
    send_invitations,
    send_reminders,
    suppress_addresses,
)
from chalicelib.services.submissions import submit_response
from tests.builders import NOW, token_of

from .conftest import read_outbox

ONE_CLICK = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def client_world(world, moto_table, app_env, monkeypatch, outbox_dir):
    app_env(moto_table)
    monkeypatch.setenv("PULSE_OUTBOX_DIR", str(outbox_dir))
    d, links = world
    send_invitations(d, "w-test", NOW)
    with Client(app, stage_name="test") as client:
        yield client, d, links


def unsubscribe_path(outbox_dir, email) -> str:
    message = next(m for m in read_outbox(outbox_dir) if m["To"].addresses[0].addr_spec == email)
    url = message["List-Unsubscribe"].strip("<>")
    return url[url.index("/u/"):]


def test_get_only_shows_a_confirm_page_and_post_unsubscribes(client_world, outbox_dir):
    client, d, links = client_world
    email = links[0].contact.email
    path = unsubscribe_path(outbox_dir, email)

    page = client.http.get(path)
    assert page.status_code == 200 and b'method="post"' in page.body
    assert d.sends.opted_out("w-test") == set()

    done = client.http.post(path, headers=ONE_CLICK, body="confirm=yes")
    assert done.status_code == 200 and b"unsubscribed" in done.body
    assert d.sends.opted_out("w-test") == {links[0].invitation.invitation_id}


def test_rfc8058_one_click_post_unsubscribes_and_later_reminders_skip_the_contact(client_world, outbox_dir):
    client, d, links = client_world
    path = unsubscribe_path(outbox_dir, links[1].contact.email)

    response = client.http.post(path, headers=ONE_CLICK, body="List-Unsubscribe=One-Click")
    report = send_reminders(d, "w-test", NOW + timedelta(days=8))

    assert response.status_code == 200
    assert report.skipped["opted out"] == 1
    assert links[1].contact.email not in {m.contact.email for m in report.sent}
    assert len(report.sent) == len(links) - 1


def test_unsubscribe_pages_are_localised(client_world, outbox_dir):
    client, _, links = client_world
    japanese = next(link for link in links if link.contact.language == "ja")
    page = client.http.get(unsubscribe_path(outbox_dir, japanese.contact.email))
    assert "配信" in page.body.decode("utf-8")


def test_forged_or_cross_used_tokens_are_not_found(client_world):
    client, d, links = client_world
    invitation_token = token_of(links[0])
    assert client.http.get(f"/u/{invitation_token}").status_code == 404
    assert client.http.post(f"/u/{invitation_token}", headers=ONE_CLICK,
                            body="List-Unsubscribe=One-Click").status_code == 404
    assert client.http.get("/u/not-a-token").status_code == 404
    with pytest.raises(InvitationNotFound):
        opt_out(d, invitation_token, NOW)
    assert d.sends.opted_out("w-test") == set()


def test_opt_out_is_idempotent(world):
    d, links = world
    token = d.unsubscribe_tokens.issue(links[0].invitation.invitation_id, "w-test")
    assert opt_out(d, token, NOW) is True
    assert opt_out(d, token, NOW + timedelta(minutes=1)) is False


def test_suppressed_addresses_are_never_mailed(world, outbox_dir):
    d, links = world
    suppressed = links[0].contact.email
    count = suppress_addresses(d.suppressions, f"email,reason\n{suppressed.upper()},bounce\n", "test", NOW)

    invitations = send_invitations(d, "w-test", NOW)
    reminders = send_reminders(d, "w-test", NOW + timedelta(days=8))

    assert count == 1
    assert invitations.skipped["suppressed address"] == 1 and reminders.skipped["suppressed address"] == 1
    assert suppressed not in {m["To"].addresses[0].addr_spec for m in read_outbox(outbox_dir)}


def test_a_bad_suppression_file_names_the_line_and_writes_nothing(world):
    d, links = world
    with pytest.raises(InvalidInput) as error:
        suppress_addresses(d.suppressions, f"{links[0].contact.email}\nnot-an-address\nx@y.example,angry\n",
                           "test", NOW)
    assert [p.field for p in error.value.problems] == ["line 2", "line 3"]
    assert d.suppressions.hashes() == set()


def test_ses_permanent_bounces_and_complaints_suppress_transient_bounces_do_not(world):
    d, links = world
    bounce = {"notificationType": "Bounce", "bounce": {"bounceType": "Permanent",
              "bouncedRecipients": [{"emailAddress": links[0].contact.email}]}}
    transient = {"notificationType": "Bounce", "bounce": {"bounceType": "Transient",
                 "bouncedRecipients": [{"emailAddress": links[1].contact.email}]}}
    complaint = {"notificationType": "Complaint",
                 "complaint": {"complainedRecipients": [{"emailAddress": links[2].contact.email}]}}
    for notification in (bounce, transient, complaint):
        apply_ses_notification(d.suppressions, notification, NOW)
    emails = [link.contact.email for link in links]
    assert d.suppressions.suppressed_among(emails) == {emails[0], emails[2]}


def test_opened_is_recorded_once_by_post_and_never_by_get_or_head(client_world):
    client, d, links = client_world
    token = token_of(links[0])

    client.http.get(f"/api/v1/invitations/{token}")
    client.http.request("HEAD", f"/api/v1/invitations/{token}")
    assert d.repos.invitations.get(links[0].invitation.invitation_id).state == "sent"

    first = client.http.post(f"/api/v1/invitations/{token}/opened")
    second = client.http.post(f"/api/v1/invitations/{token}/opened")

    assert (first.status_code, second.status_code) == (204, 204)
    item = d.sends.table.get(f"INVITE#{links[0].invitation.invitation_id}", "INVITATION")
    assert item["state"] == "opened" and item["opened_at"]
    assert client.http.post("/api/v1/invitations/forged/opened").status_code == 404


def test_opened_never_moves_a_started_invitation_back(world):
    d, links = world
    send_invitations(d, "w-test", NOW)
    token = token_of(links[0])
    submit_response(d.repos, d.invitation_tokens, token,
                    {"answers": {"q_nps": 5}, "language": "en", "final": False}, NOW)
    assert record_opened(d.repos, d.sends, d.invitation_tokens, token, NOW) is False
    assert d.repos.invitations.get(links[0].invitation.invitation_id).state == "started"


def test_unsubscribe_page_uses_the_forms_stylesheet(client_world, outbox_dir):
    client, _, links = client_world
    path = unsubscribe_path(outbox_dir, links[0].contact.email)
    page = client.http.get(path)
    assert b'<link rel="stylesheet" href="../static/form.css">' in page.body and b'class="button"' in page.body
    assert path.count("/") == 2  # /u/<token>: ../static/form.css is /static/form.css
    assert client.http.get("/static/form.css").status_code == 200
