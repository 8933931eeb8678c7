"""Invitation e-mails: once per contact, the right link, the right language, safe headers."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.errors import WaveClosed
from chalicelib.mail.outbox import OutboxMailer
from chalicelib.security.unsubscribe_tokens import UnsubscribeTokens
from chalicelib.services.catalogue import close_wave
from chalicelib.services.distribution import send_invitations
from tests.builders import NOW, TEST_SECRET, given_open_wave

from .conftest import BASE_URL, MULTILINGUAL, bodies, make_distribution, partner_with_languages, read_outbox


def test_sending_twice_sends_each_contact_one_invitation(world, outbox_dir):
    d, links = world

    first = send_invitations(d, "w-test", NOW)
    second = send_invitations(d, "w-test", NOW + timedelta(hours=1))

    assert len(first.sent) == 4
    assert second.sent == [] and second.skipped["already sent"] == 4
    assert len(read_outbox(outbox_dir)) == 4
    states = {i.state for i in d.repos.invitations.for_wave("w-test")}
    assert states == {"sent"}


def test_each_eml_parses_and_carries_that_contacts_own_links(world, outbox_dir, tokens):
    d, links = world
    send_invitations(d, "w-test", NOW)
    by_email = {link.contact.email: link for link in links}
    unsubscribe = UnsubscribeTokens(TEST_SECRET)

    messages = read_outbox(outbox_dir)
    raw = [path.read_bytes() for path in outbox_dir.rglob("*.eml")]

    # Mail clients need the unsubscribe URLs as plain header text, not RFC 2047 encoded words.
    assert all(f"\r\nList-Unsubscribe: <{BASE_URL}/u/".encode() in data for data in raw)

    assert len(messages) == len(by_email)
    for message in messages:
        link = by_email[message["To"].addresses[0].addr_spec]
        text, html = bodies(message)
        survey_links = [w for w in text.split() if w.startswith(f"{BASE_URL}/s/")]
        assert len(survey_links) == 1
        claims = tokens.read(survey_links[0].rsplit("/", 1)[1])
        assert claims.invitation_id == link.invitation.invitation_id
        assert f'href="{survey_links[0]}"' in html
        header = message["List-Unsubscribe"]
        assert header.startswith(f"<{BASE_URL}/u/") and header.endswith(">")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        token = header[1:-1].rsplit("/", 1)[1]
        assert unsubscribe.read(token).invitation_id == link.invitation.invitation_id
        assert "@" not in token and link.contact.email.split("@")[0] not in token
        assert header[1:-1] in text


def test_language_follows_the_contact_with_fallback_to_english(moto_table, tokens, outbox_dir):
    partner = partner_with_languages("P001", ["es", "ja", "de", "pt-BR", "en"])
    given_open_wave(moto_table, tokens, [partner], definition=MULTILINGUAL)
    d = make_distribution(moto_table, tokens, OutboxMailer(outbox_dir))

    send_invitations(d, "w-test", NOW)

    subjects = {m["To"].addresses[0].addr_spec.split(".")[0]: (m["Subject"], m["Content-Language"])
                for m in read_outbox(outbox_dir)}
    assert subjects["es"][1] == "es" and "programa de partners" in subjects["es"][0]
    assert subjects["ja"][1] == "ja" and "パートナープログラム" in subjects["ja"][0]
    assert subjects["de"][1] == "de" and "Partnerprogramm" in subjects["de"][0]
    assert subjects["pt-br"][1] == "en" and "partner program" in subjects["pt-br"][0]
    assert subjects["en"][1] == "en"


def test_a_language_the_survey_lacks_gets_the_surveys_default(moto_table, tokens, outbox_dir):
    partner = partner_with_languages("P001", ["ja", "es"])
    given_open_wave(moto_table, tokens, [partner])  # the survey offers en and es only
    send_invitations(make_distribution(moto_table, tokens, OutboxMailer(outbox_dir)), "w-test", NOW)
    languages = {m["To"].addresses[0].addr_spec.split(".")[0]: m["Content-Language"] for m in read_outbox(outbox_dir)}
    assert languages == {"ja": "en", "es": "es"}


def test_closing_date_is_written_in_the_contacts_language(world, outbox_dir):
    d, _ = world
    send_invitations(d, "w-test", NOW)
    closes = NOW + timedelta(days=30)
    texts = {m["Content-Language"]: bodies(m)[0] for m in read_outbox(outbox_dir)}
    assert f"{closes.year}年{closes.month}月{closes.day}日" in texts["ja"]
    assert f"{closes.day}. " in texts["de"] and str(closes.year) in texts["de"]


def test_names_cannot_inject_headers_or_recipients(moto_table, tokens, outbox_dir):
    hostile = partner_with_languages("P001", ["en"], name="ACME\r\nBcc: victim@evil.example")
    contact = hostile.contacts[0]
    hostile = hostile.__class__(**{**hostile.__dict__, "contacts": (
        contact.__class__(contact.contact_id, "Eve\nCc: spy@evil.example\r\nX-Evil: 1", contact.email, "en"),)})
    given_open_wave(moto_table, tokens, [hostile])
    d = make_distribution(moto_table, tokens, OutboxMailer(outbox_dir))

    report = send_invitations(d, "w-test", NOW)

    [message] = read_outbox(outbox_dir)
    assert len(report.sent) == 1
    assert message["Bcc"] is None and message["Cc"] is None and message["X-Evil"] is None
    assert [a.addr_spec for a in message["To"].addresses] == [contact.email]
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert "evil.example" not in "".join(str(a.addr_spec) for a in message["To"].addresses)


def test_html_part_escapes_partner_names(moto_table, tokens, outbox_dir):
    given_open_wave(moto_table, tokens, [partner_with_languages("P001", ["en"], name="<b>ACME</b> & Co")])
    d = make_distribution(moto_table, tokens, OutboxMailer(outbox_dir))
    send_invitations(d, "w-test", NOW)
    text, html = bodies(read_outbox(outbox_dir)[0])
    assert "&lt;b&gt;ACME&lt;/b&gt; &amp; Co" in html and "<b>ACME" not in html
    assert "<b>ACME</b> & Co" in text


def test_dry_run_counts_by_segment_and_writes_nothing(world, outbox_dir):
    d, _ = world

    report = send_invitations(d, "w-test", NOW, dry_run=True)

    assert len(report.planned) == 4 and report.sent == []
    assert report.by_segment()["tier"] == {"advanced": 2, "principal": 2}
    assert report.by_segment()["language"] == {"de": 1, "en": 1, "es": 1, "ja": 1}
    assert not outbox_dir.exists()
    assert d.sends.sends_for_wave("w-test") == []


def test_tier_and_region_filters_limit_the_recipients(world, outbox_dir):
    d, _ = world
    report = send_invitations(d, "w-test", NOW, regions=["APJ"])
    assert {m.partner.partner_id for m in report.sent} == {"P002"}
    assert len(read_outbox(outbox_dir)) == 2


def test_a_closed_wave_sends_no_invitations(world, outbox_dir):
    d, _ = world
    close_wave(d.repos, "w-test", NOW)
    with pytest.raises(WaveClosed):
        send_invitations(d, "w-test", NOW + timedelta(minutes=1))
    assert not outbox_dir.exists()


def test_invitations_already_reached_another_way_are_not_mailed(world, outbox_dir):
    d, links = world
    d.sends.mark_invitation_sent(links[0].invitation.invitation_id, "2026-01-01T00:00:00Z")
    report = send_invitations(d, "w-test", NOW)
    assert len(report.sent) == 3 and report.skipped["already sent"] == 1
