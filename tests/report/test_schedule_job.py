"""The scheduled report through chalice.test.Client with moto DynamoDB, S3 and SES."""
from __future__ import annotations

import email
import re
from email.policy import default as default_policy
from email.utils import getaddresses

import boto3
import pytest
from chalice.test import Client

from .builders import BUCKET, RECIPIENTS, given_wave_with_responses, report_env
from .conftest import sent_raw_messages


def invoke_schedule(client):
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event",
                                            detail={}, resources=["arn:aws:events:rule/leadership_report"])
    return client.lambda_.invoke("leadership_report", event)


@pytest.fixture
def scheduled(aws_mail_and_bucket, tokens, app_env, monkeypatch):
    """A wave with answers, the app pointed at it, and the report job configured for SES + S3."""
    table = aws_mail_and_bucket
    given_wave_with_responses(table, tokens)
    report_env(monkeypatch)
    app_env(table)
    from app import app

    with Client(app, stage_name="test") as client:
        yield client


def the_message(raw):
    return email.message_from_string(raw.raw_data, policy=default_policy)


def html_and_text(message):
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    return html, text


def visible_text(html: str) -> str:
    """What a reader sees of an HTML fragment (tags and their attributes removed)."""
    return re.sub(r"<[^>]*>", " ", html)


def archived_html():
    s3 = boto3.client("s3", region_name="us-east-1")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    html_key = next(k for k in keys if k.endswith("/report.html"))
    return keys, s3.get_object(Bucket=BUCKET, Key=html_key)["Body"].read().decode()


def test_schedule_sends_one_email_with_recipients_subject_and_inline_images(scheduled):
    result = invoke_schedule(scheduled)

    assert result.payload["reports"][0]["outcome"] == "sent"
    messages = sent_raw_messages()
    assert len(messages) == 1
    addresses = {address for _, address in getaddresses(messages[0].destinations)}
    assert addresses == set(RECIPIENTS)
    message = the_message(messages[0])
    # a wave without a title is named by its id, never by a half year guessed from its dates
    assert re.fullmatch(r"Partner survey w-report \u2014 weekly summary", str(message["Subject"]))
    related = next(p for p in message.walk() if p.get_content_type() == "multipart/related")
    images = [p for p in related.iter_parts() if p.get_content_type() == "image/png"]
    assert len(images) >= 2
    html, _ = html_and_text(message)
    for image in images:
        cid = image["Content-ID"].strip("<>")
        assert f'src="cid:{cid}"' in html
        assert image.get_content().startswith(b"\x89PNG")


def test_schedule_archives_every_file_then_the_manifest(scheduled):
    invoke_schedule(scheduled)

    keys, html = archived_html()
    prefix = keys[0].rsplit("/", 1)[0]
    assert re.fullmatch(r"reports/w-report/\d{4}-\d{2}-\d{2}", prefix)
    assert {f"{prefix}/{n}" for n in ("report.html", "manifest.json", "nps_by_tier.png")} <= set(keys)
    assert "data:image/png;base64," in html

    from chalicelib.reports.archive import S3ReportArchive

    archive = S3ReportArchive(boto3.client("s3", region_name="us-east-1"), BUCKET)
    assert archive.complete("w-report", prefix.rsplit("/", 1)[1])


def test_second_invocation_for_the_same_period_sends_nothing(scheduled):
    invoke_schedule(scheduled)

    second = invoke_schedule(scheduled)

    assert second.payload["reports"][0]["outcome"] == "skipped"
    assert len(sent_raw_messages()) == 1
    from chalicelib import wiring

    runs = wiring.reporting().runs.for_wave("w-report")
    assert [(r["status"], r["attempts"]) for r in runs] == [("sent", 1)]


def test_suppressed_small_tier_shows_no_number_in_email_or_archive(scheduled):
    invoke_schedule(scheduled)

    message = the_message(sent_raw_messages()[0])
    html, text = html_and_text(message)
    _, archive = archived_html()
    for document in (html, archive):
        rows = re.findall(r'<tr data-segment="enrolled">(.*?)</tr>', document, re.S)
        assert rows and all(not re.search(r"\d", visible_text(row)) for row in rows)
        section = re.search(r'<div class="tier" data-segment="enrolled">(.*?)</div>', document, re.S).group(1)
        assert not re.search(r"\d", visible_text(section))
        assert "-100" not in document  # the enrolled tier's NPS (everyone gave 0)
        published = re.search(r'<tr data-segment="advanced">(.*?)</tr>', document, re.S).group(1)
        assert "+100" in visible_text(published)  # a published tier does show its numbers
    enrolled_line = next(line for line in text.splitlines() if line.startswith("- Enrolled"))  # the program's label
    assert not re.search(r"\d", enrolled_line)
    assert "Payouts never arrive" not in html + text + archive  # its comments are not quoted


def test_script_in_a_quoted_comment_is_escaped(scheduled):
    invoke_schedule(scheduled)

    html, _ = html_and_text(the_message(sent_raw_messages()[0]))
    _, archive = archived_html()
    for document in (html, archive):
        assert "&lt;script&gt;alert(" in document  # the quote is shown, as text
        assert "<script" not in document.lower()
        assert "<img src=x" not in document
