"""The hand-built MIME bytes parse to what the old ``email.message`` builder produced."""
from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from chalicelib.mail.compose import MailContext, render
from chalicelib.mail.message import (
    MAX_SUBJECT,
    SMTP_POLICY,
    MessageParts,
    build_message,
    flatten,
    mailbox,
    parse_sender,
)

SENT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
UNSUBSCRIBE = "https://pulse.example.com/u/" + "t" * 150  # long: must stay one plain header line


def old_build_message(*, sender, recipient, parts, message_id, sent_at, unsubscribe_url, language):
    """The previous builder (``email.message`` objects), kept here as the reference."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"], message["To"] = sender, recipient
    message["Subject"] = flatten(parts.subject, MAX_SUBJECT)
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(parts.text, subtype="plain", charset="utf-8")
    message.add_alternative(parts.html, subtype="html", charset="utf-8")
    message["Content-Language"] = flatten(language, 20)
    return message.as_bytes(policy=SMTP_POLICY)


def both(language: str, contact: str, partner: str, sender: str = "Partner Pulse <pulse@example.com>"):
    used, parts = render("invitation", language, MailContext(
        partner_name=partner, contact_name=contact, closes_at=SENT, survey_url="https://pulse.example.com/s/abc",
        unsubscribe_url=UNSUBSCRIBE, sender_name="Équipe Partenaires"))
    kwargs = dict(sender=parse_sender(sender), recipient=mailbox(contact, "kim@example.org"), parts=parts,
                  message_id="<invitation.i-1@example.com>", sent_at=SENT, unsubscribe_url=UNSUBSCRIBE,
                  language=used)
    new = build_message(**kwargs).as_bytes()
    return message_from_bytes(new, policy=policy.default), \
        message_from_bytes(old_build_message(**kwargs), policy=policy.default), new


@pytest.mark.parametrize(("language", "contact", "partner"), [
    ("en", "Kim Lee", "ACME, Inc. \"Best\""),
    ("de", "Jörg Müller", "Müller & Söhne GmbH"),
    ("ja", "山田 太郎", "株式会社テスト" * 8),  # long: the subject folds into several encoded words
    ("es", "José Núñez", "<b>Niño</b> & Co"),
])
def test_new_bytes_parse_like_the_old_message(language, contact, partner):
    new, old, raw = both(language, contact, partner)
    for name in ("From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post",
                 "Auto-Submitted", "Content-Language", "MIME-Version"):
        assert str(new[name]) == str(old[name]), name
    assert new["To"].addresses[0].display_name == contact
    assert new["To"].addresses[0].addr_spec == "kim@example.org"
    assert new.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in new.iter_parts()] == ["text/plain", "text/html"]
    assert [p.get_content_charset() for p in new.iter_parts()] == ["utf-8", "utf-8"]
    for subtype in ("plain", "html"):
        assert new.get_body((subtype,)).get_content() == old.get_body((subtype,)).get_content()
    assert f"\r\nList-Unsubscribe: <{UNSUBSCRIBE}>\r\n".encode() in raw
    assert b"\n" not in raw.replace(b"\r\n", b"") and max(map(len, raw.split(b"\r\n"))) <= 998
    if not partner.isascii():
        assert "=?utf-8?b?" in raw.split(b"\r\n\r\n")[0].decode("ascii")  # non-ASCII: encoded words


def test_each_message_gets_a_fresh_boundary():
    first, second = (both("en", "Kim", "ACME")[0] for _ in range(2))
    assert first.get_boundary() != second.get_boundary()


def test_ascii_bodies_stay_7bit_and_non_ascii_bodies_are_encoded():
    english = build_message(sender=parse_sender("Team <team@example.com>"), recipient=mailbox("Kim", "k@example.org"),
                            parts=MessageParts("Hi", "Plain text\n", "<p>HTML</p>\n"), message_id="<m@example.com>",
                            sent_at=SENT, unsubscribe_url="https://x.example/u/t", language="en").as_bytes()
    _, _, german = both("de", "Jörg", "Müller")
    _, _, japanese = both("ja", "山田", "テスト")
    assert english.count(b"Content-Transfer-Encoding: 7bit") == 2
    assert b"Content-Transfer-Encoding: quoted-printable" in german
    assert b"Content-Transfer-Encoding: base64" in japanese
    assert all(byte < 128 for byte in japanese)


def test_header_injection_through_names_and_subjects_is_impossible():
    parts = MessageParts(subject="Hi\r\nBcc: victim@evil.example\nX-Evil: 1", text="t", html="<p>h</p>")
    raw = build_message(sender=parse_sender("Team <team@example.com>"),
                        recipient=mailbox("Eve\r\nCc: spy@evil.example", "eve@example.org"), parts=parts,
                        message_id="<m@example.com>", sent_at=SENT, unsubscribe_url="https://x.example/u/t",
                        language="en\r\nX-Lang: 1").as_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Bcc"] is None and parsed["Cc"] is None and parsed["X-Evil"] is None and parsed["X-Lang"] is None
    assert parsed["Subject"] == "Hi Bcc: victim@evil.example X-Evil: 1"
    assert [a.addr_spec for a in parsed["To"].addresses] == ["eve@example.org"]
    with pytest.raises(ValueError):
        build_message(sender=parse_sender("Team <team@example.com>"), recipient=mailbox("Eve", "eve@example.org"),
                      parts=parts, message_id="<m@example.com>\r\nBcc: x@evil.example", sent_at=SENT,
                      unsubscribe_url="https://x.example/u/t", language="en")
    with pytest.raises(ValueError):
        build_message(sender=parse_sender("Team <team@example.com>"), recipient=mailbox("Eve", "eve@example.org"),
                      parts=parts, message_id="<m@example.com>", sent_at=SENT,
                      unsubscribe_url="https://x.example/u/t>\r\nBcc: x@evil.example", language="en")


def test_a_subject_that_looks_like_an_encoded_word_is_kept_literally():
    parts = MessageParts(subject="=?utf-8?b?SGk=?= literally", text="t", html="h")
    raw = build_message(sender=parse_sender("Team <team@example.com>"), recipient=mailbox("", "eve@example.org"),
                        parts=parts, message_id="<m@example.com>", sent_at=SENT,
                        unsubscribe_url="https://x.example/u/t", language="en").as_bytes()
    assert message_from_bytes(raw, policy=policy.default)["Subject"] == "=?utf-8?b?SGk=?= literally"
