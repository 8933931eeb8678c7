"""Significant theme changes between waves in the leadership summary, the report's "what changed" and the
overview's "what changed" (issue 24); a change that is not significant is named nowhere."""
from __future__ import annotations

from chalicelib.reports.model import build_report_model
from chalicelib.reports.render import render_archive_html
from chalicelib.services.alerts import check_alerts, parse_rules
from chalicelib.web.overview_story import what_changed
from tests.report.test_model_and_message import inputs


def test(group, theme, measure, other, value, significant, p_adjusted, label="Incentive payouts"):
    return {"group": group, "theme": theme, "label": label, "measure": measure, "value": value, "other": other,
            "difference": round(value - other, 4), "p": p_adjusted / 2, "p_adjusted": p_adjusted,
            "significant": significant, "comments": 40, "partners": 20}


THEME_CHANGES = {"previous_wave": "px-2025-h2", "compared": True, "tests": [
    test("all", "incentives_payouts", "share", 0.12, 0.31, True, 0.004),
    test("all", "deal_registration", "share", 0.20, 0.24, False, 0.41, label="Deal registration"),
    test("tier:advanced", "incentives_payouts", "negative", 0.30, 0.55, True, 0.03),
]}
test.__test__ = False  # a builder, not a pytest test


def test_a_significant_theme_change_is_in_the_summary_and_in_what_changed():
    m = build_report_model({**inputs(), "theme_changes": THEME_CHANGES}, period="final", generated_on="2026-11-23")
    text = " ".join(m["summary"])
    assert "comments about Incentive payouts rose 19 points (12% -> 31% of comments; very likely a real change)" \
        in text
    assert "Deal registration" not in text  # not significant: not a change
    assert m["changes"]["themes_compared"] is True
    assert [c["theme"] for c in m["changes"]["overall"] if c["kind"] == "theme"] == ["incentives_payouts"]
    tier = [c for c in m["changes"]["tiers"] if c["kind"] == "theme"]
    assert [(c["scope"], c["measure"], c["points"]) for c in tier] == [("advanced", "negative", 25)]
    html = render_archive_html(m, {})
    assert "Comments about Incentive payouts" in html and "the negative share of comments about" in html
    assert "Deal registration" not in html


def test_without_a_comparison_the_summary_claims_nothing_about_themes():
    m = build_report_model(inputs(), period="final", generated_on="2026-11-23")
    assert m["changes"]["themes_compared"] is False
    assert not any(c["kind"] == "theme" for c in m["changes"]["overall"] + m["changes"]["tiers"])
    assert "comment theme" not in " ".join(m["summary"])


def test_the_overview_lists_theme_changes_with_a_link_to_the_comments():
    doc = inputs()["scorecard"]
    changes = what_changed(doc, "px-2026-h1", None, THEME_CHANGES)
    themes = [c for c in changes["items"] if c["kind"] == "theme"]
    assert changes["themes_compared"] is True
    assert [(c["segment"], c["measure"]) for c in themes] == [("all", "share"), ("tier:advanced", "negative")]
    assert themes[0]["link"] == "/staff/comments?wave=px-2026-h1&theme=incentives_payouts"
    assert "tier=advanced" in themes[1]["link"]


def test_theme_growth_alerts_use_the_tested_comparison():
    class Mailer:
        def __init__(self):
            self.keys = []

        def send(self, mail):
            self.keys.append(mail.key)

    rules = parse_rules('[{"id": "themes", "kind": "theme_growth", "points": 5, "subscribers": ["cx@vendor.example"]}]')
    doc = inputs()["scorecard"]
    summary = {"tier": [{"segment": "advanced", "comments": 100, "themes": {
        "incentives_payouts": {"count": 31}, "deal_registration": {"count": 24}}}]}
    before = {"tier": [{"segment": "advanced", "comments": 100, "themes": {
        "incentives_payouts": {"count": 12}, "deal_registration": {"count": 14}}}]}
    from datetime import UTC, datetime

    sent = check_alerts(rules, doc, Mailer(), "p@vendor.example", "https://pulse.example",
                        datetime(2026, 3, 2, tzinfo=UTC), summary, before, {}, theme_changes=THEME_CHANGES)
    text = sent[0]["text"]
    assert "Incentive payouts grew from 12% to 31% of comments (significant" in text
    assert "eal registration" not in text  # +10 points in the summaries, but not significant
