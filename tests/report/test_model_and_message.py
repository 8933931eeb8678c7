"""The report model from a plain scorecard dict, templates, and the e-mail message (no AWS)."""
from __future__ import annotations

import re
from email import message_from_bytes
from email.policy import SMTP, default

import pytest

from chalicelib.reports.message import InvalidMailHeader, build_report_message
from chalicelib.reports.model import HIDDEN, FollowUpStatus, build_report_model
from chalicelib.reports.render import render_archive_html, render_email_html, render_text

M = "suppressed"


def estimate(value, low, high, n=40):
    return {"value": value, "ci_low": low, "ci_high": high, "se": 1.0, "n": n}


def cell(tier, n, nps, significant=False, difference=0.0, other=None):
    if n < 5:
        return {"segment": {"tier": tier}, "suppressed": "primary", "invited": None, "respondents": M,
                "response_rate": M, "nps": M, "nps_partner": M, "nps_revenue_weighted": M,
                "vs_rest": M, "vs_previous": M}
    vs_previous = None if other is None else {"nps": {"difference": difference, "significant": significant,
                                                      "other": other}}
    return {"segment": {"tier": tier}, "suppressed": False, "invited": n * 2, "respondents": n,
            "response_rate": 0.5, "nps": estimate(nps, nps - 8, nps + 8, n),
            "nps_partner": estimate(nps + 1, nps - 9, nps + 11),
            "nps_revenue_weighted": estimate(nps + 2, nps - 7, nps + 12),
            "vs_rest": None, "vs_previous": vs_previous}


def inputs(**overrides):
    doc = {
        "wave": {"id": "px-2026-h1"}, "previous_wave": "px-2025-h2",
        "suppression": {"threshold": 5, "marker": M}, "tests": {"alpha": 0.05, "correction": "benjamini-hochberg"},
        "questions": [{"id": "q_sat_portal", "type": "rating", "text": {"en": "Portal?"}, "topic": "partner_portal"}],
        "overall": {**cell(None, 120, 21.4, True, 9.6, 11.8), "segment": {}},
        "breakdowns": [{"by": ["tier"], "cells": [
            cell("advanced", 70, 30.2, True, 12.0, 18.2), cell("enrolled", 3, 0),
            cell("principal", 47, 8.0, False, 2.0, 6.0)]}],
        "drivers": [{"segment": {"tier": "advanced"}, "status": "ok", "n": 70, "r2": 0.4, "fix_first": [
            {"rank": 1, "question": "q_sat_portal", "importance": 0.41, "performance_top2": 0.35, "priority": 0.27,
             "importance_low": 0.2, "importance_high": 0.6, "rank_first": 0.83, "rank_top3": 1.0}]}],
    }
    doc.update(overrides)
    comments = {"q_nps_reason": {"segments": [
        {"segment": "advanced", "suppressed": False, "themes": [
            {"theme": "partner_portal", "label": "Partner portal", "comments": 9, "mean_polarity": -0.3,
             "negative": 7, "positive": 1,
             "examples": ["Portal is <b>slow</b>", "Portal is <b>slow</b>", "Login fails daily"],
             "quotes": [{"text": "Portal is <b>slow</b>", "label": "negative", "language": "en"},
                        {"text": "Portal is <b>slow</b>", "label": "negative", "language": "en"},
                        {"text": "The new portal is great", "label": "positive", "language": "en"},
                        {"text": "Login fails daily", "label": "negative", "language": "en"}]},
            {"theme": "pricing", "label": "Pricing", "comments": 3, "mean_polarity": 0.4,
             "negative": 0, "positive": 2, "examples": ["Only three of us said this"]}]},
        {"segment": "enrolled", "suppressed": "primary", "themes": M}]}}
    return {"scorecard": doc, "comments": comments, "revenue": {"overall": 0.71, "tier": {"advanced": 0.6}}}


def model(**overrides):
    return build_report_model(inputs(**overrides), period="2026-W48", generated_on="2026-11-23",
                              followups=FollowUpStatus())


def test_headline_reports_a_change_only_when_it_is_significant():
    assert model()["headline"]["change"] == "NPS up 10 points since px-2025-h2 (significant)."
    overall = {**cell(None, 120, 21.4, False, 9.6, 11.8), "segment": {}}
    assert model(overall=overall)["headline"]["change"] == "No significant change in NPS since px-2025-h2."


def test_suppressed_tier_carries_no_numbers_and_no_chart_entry():
    m = model()
    enrolled = next(r for r in m["tiers"] if r["label"] == "enrolled")
    assert enrolled["suppressed"] and enrolled["respondents"] == HIDDEN and not enrolled["nps"]["shown"]
    assert all(label != "enrolled" for label, *_ in m["charts"]["nps_by_tier"])
    assert [label for label, *_ in m["charts"]["wave_over_wave"]] == ["All partners", "principal", "advanced"]


def test_quotes_come_only_from_themes_above_the_comment_threshold_and_are_deduplicated():
    advanced = next(t for t in model()["per_tier"] if t["tier"] == "advanced")
    portal, pricing = advanced["themes"]
    assert [q["text"] for q in portal["quotes"]] == ["Portal is <b>slow</b>", "Login fails daily"]
    assert pricing["quotes"] == []  # 3 comments: below 8
    assert portal["sentiment"] == "negative"
    assert advanced["drivers"]["items"][0] == {
        "label": "Partner portal", "text": "Portal?", "question": "q_sat_portal", "importance": "41%",
        "satisfied": "35%", "ranks_first": "83%", "certainty": "very likely the top issue"}


def test_templates_escape_quotes_and_follow_the_content_order():
    m = model()
    html = render_archive_html(m, {})
    assert "&lt;b&gt;slow&lt;/b&gt;" in html and "<b>slow" not in html
    order = [html.index(s) for s in (">In short<", ">What changed", ">Fix first<", ">Headline<", ">By tier</h2>",
                                     ">By region<" if m["regions"] else ">By tier</h2>",
                                     "What partners talk about", "Follow-ups", "How to read this")]
    assert order == sorted(order)
    assert "Follow-up tracking is not available yet." in html
    assert "71%" in html  # revenue covered by respondents
    assert "Portal is <b>slow</b>" in render_text(m)  # plain text is not HTML


def test_message_is_alternative_with_related_html_and_inline_pngs():
    m = model()
    charts = {"nps_by_tier.png": b"\x89PNG fake"}
    message = build_report_message(sender="Pulse <pulse@vendor.example>", recipients=["a@vendor.example"],
                                   subject="Partner Pulse px-2026-h1: summary 2026-W48", text=render_text(m),
                                   html=render_email_html(m, charts), charts=charts)
    parsed = message_from_bytes(message.as_bytes(policy=SMTP), policy=default)
    assert parsed.get_content_type() == "multipart/alternative"
    related = parsed.get_payload()[1]
    assert related.get_content_type() == "multipart/related"
    html_part, image = related.get_payload()
    cid = image["Content-ID"].strip("<>")
    assert f"cid:{cid}" in html_part.get_content()
    assert image["Content-Disposition"].startswith("inline")


@pytest.mark.parametrize("field,value", [
    ("subject", "Report\r\nBcc: attacker@evil.example"),
    ("recipients", ["boss@vendor.example\nBcc: attacker@evil.example"]),
    ("recipients", ["boss@vendor.example, attacker@evil.example"]),
    ("sender", "Pulse <pulse@vendor.example>\r\nX-Evil: 1"),
])
def test_header_injection_is_refused(field, value):
    arguments = {"sender": "pulse@vendor.example", "recipients": ["boss@vendor.example"], "subject": "Report",
                 "text": "t", "html": "<p>h</p>", "charts": {}}
    arguments[field] = value

    with pytest.raises(InvalidMailHeader):
        build_report_message(**arguments)


def test_archive_html_loads_nothing_from_outside():
    html = render_archive_html(model(), {"nps_by_tier.png": b"\x89PNG"})
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html)
    assert "default-src 'none'" in html


def test_report_comment_themes_from_stored_records_match_the_analysis_comment_summaries():
    import pandas as pd

    from analysis.comments import score_comments, themes_by_segment, wave_comment_summaries
    from analysis.sentiment import CommentScorer
    from analysis.themes import Taxonomy

    texts = ["Payouts are slow", "The portal is great", "Deal registration is painful", "Support is fast"] * 6
    tidy = pd.DataFrame({"question_id": "q_comment", "text": texts, "language": "en",
                         "tier": ["advanced"] * 12 + ["principal"] * 9 + ["enrolled"] * 3})
    scored = score_comments(tidy["text"], CommentScorer(), Taxonomy.load(), tidy["language"])
    records = [{"question_id": "q_comment", "text": text, "tier": tier, "label": s["label"],
                "polarity": s["polarity"], "probability": s["probability"], "themes": list(s["themes"])}
               for text, tier, s in zip(texts, tidy["tier"], scored.to_dict("records"), strict=True)]

    ours = themes_by_segment(records, ["q_comment"], "tier", 8)["q_comment"]["segments"]
    theirs = wave_comment_summaries(tidy, ["q_comment"], "tier", 8)["q_comment"]["segments"]

    assert any(s["themes"] for s in ours if not s["suppressed"])
    assert [(s["segment"], bool(s["suppressed"])) for s in ours] == [
        (s["segment"], bool(s["suppressed"])) for s in theirs]
    for mine, reference in zip(ours, theirs, strict=True):
        if not mine["suppressed"]:
            keys = ("theme", "comments", "mean_polarity", "examples")
            assert [{k: t[k] for k in keys} for t in mine["themes"]] == [
                {k: t[k] for k in keys} for t in reference["themes"][:len(mine["themes"])]]


def test_subject_names_the_wave_by_its_title_never_by_its_dates():
    from chalicelib.reports.render import subject_for

    weekly = {"wave_id": "px-2026-h1", "wave_label": "H1 2026", "final": False, "period": "2026-W48"}
    assert subject_for(weekly, "Partner experience survey") == "Partner experience survey H1 2026 \u2014 weekly summary"
    assert subject_for({**weekly, "wave_label": "Spring\r\nBcc: x", "final": True, "period": "final"},
                       "PX\r\nBcc: x") == "PX Bcc: x Spring Bcc: x \u2014 final summary"
    assert subject_for({"wave_id": "px-2026-h1", "final": False, "period": "2026-W48"}) == \
        "Partner Pulse px-2026-h1 \u2014 weekly summary"
