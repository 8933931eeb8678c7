"""Alert rules on a wave's published results, with a fixed clock: "NPS of a segment drops by more
than X points, significantly" and "a comment theme grows", e-mailed to subscribers once a week."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.services.alerts import check_alerts, parse_rules

MONDAY = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
RULES = json.dumps([
    {"id": "enrolled_nps", "kind": "nps_drop", "points": 10, "segment": {"tier": "enrolled"},
     "subscribers": ["lead@vendor.example", "cro@vendor.example"]},
    {"id": "principal_nps", "kind": "nps_drop", "points": 10, "segment": {"tier": "principal"},
     "subscribers": ["lead@vendor.example"]},
    {"id": "themes", "kind": "theme_growth", "points": 5, "min_comments": 10, "subscribers": ["cx@vendor.example"]}])


class RecordingMailer:
    def __init__(self):
        self.sent = {}

    def send(self, mail):
        self.sent[mail.key] = mail  # a key sent again replaces itself: at most one message per key
        return mail.key


def _doc(enrolled_drop=-12.4, significant=True):
    def cell(tier, difference, sig):
        return {"segment": {"tier": tier}, "suppressed": False, "respondents": 80,
                "vs_previous": {"nps": {"difference": difference, "significant": sig, "other": 5.0,
                                        "p_adjusted": 0.01}}}
    return {"wave": {"id": "px-2026-h1", "title": "H1 2026"}, "previous_wave": "px-2025-h2",
            "overall": {"segment": {}, "vs_previous": {"nps": {"difference": -2.0, "significant": False}}},
            "breakdowns": [{"by": ["tier"], "cells": [cell("enrolled", enrolled_drop, significant),
                                                      cell("principal", -14.0, False)]}]}


def _summary(**counts):
    total = 100
    return {"tier": [{"segment": "advanced", "suppressed": False, "comments": total,
                      "themes": {t: {"count": n, "labels": {}} for t, n in counts.items()}}]}


def test_a_significant_drop_beyond_the_threshold_mails_each_subscriber_once_a_week():
    mailer = RecordingMailer()
    rules = parse_rules(RULES)

    sent = check_alerts(rules, _doc(), mailer, "Pulse <pulse@vendor.example>", "https://pulse.example", MONDAY)
    assert [(s["rule"], s["recipient"]) for s in sent] == [("enrolled_nps", "lead@vendor.example"),
                                                            ("enrolled_nps", "cro@vendor.example")]
    # the principal drop is larger but not significant: no alert
    assert sent[0]["subject"].startswith("Partner Pulse alert, H1 2026: NPS of tier enrolled fell 12.4 points")
    assert "https://pulse.example/staff?wave=px-2026-h1&tier=enrolled#h-changed" in sent[0]["text"]

    hourly = [check_alerts(rules, _doc(), mailer, "pulse@vendor.example", "https://pulse.example",
                           MONDAY + timedelta(hours=h)) for h in range(1, 24 * 6)]  # the rest of the week
    assert {s["key"] for batch in hourly for s in batch} == {s["key"] for s in sent}
    assert len(mailer.sent) == 2  # still one message per subscriber
    next_week = check_alerts(rules, _doc(), mailer, "pulse@vendor.example", "https://pulse.example",
                             MONDAY + timedelta(days=7))
    assert len(next_week) == 2 and len(mailer.sent) == 4  # the condition lasts: a reminder a week later


@pytest.mark.parametrize("drop,significant", [(-9.9, True), (-25.0, False)])
def test_no_alert_when_the_drop_is_small_or_not_significant(drop, significant):
    rules = [r for r in parse_rules(RULES) if r.kind == "nps_drop"]
    assert check_alerts(rules, _doc(drop, significant), RecordingMailer(), "p@vendor.example", "", MONDAY) == []


def test_a_growing_or_new_theme_alerts_its_subscribers():
    rules = [r for r in parse_rules(RULES) if r.kind == "theme_growth"]
    before = _summary(payouts=20, portal=30)
    after = _summary(payouts=31, portal=29, channel_conflict=12)
    sent = check_alerts(rules, _doc(), RecordingMailer(), "p@vendor.example", "https://x.example", MONDAY,
                        after, before, {"payouts": "Incentives and payouts"})
    [mail] = sent
    assert "Incentives and payouts grew from 20% to 31% of comments" in mail["text"]
    assert "new theme: channel conflict (12 comments" in mail["text"] and "portal" not in mail["text"]
    assert check_alerts(rules, _doc(), RecordingMailer(), "p@vendor.example", "", MONDAY, after, None) == []


@pytest.mark.parametrize("rules,field", [
    ("[{]", "PULSE_ALERT_RULES"),
    ('[{"id": "x", "kind": "nps_rise", "points": 5, "subscribers": ["a@b.example"]}]', "PULSE_ALERT_RULES[0].kind"),
    ('[{"id": "x", "kind": "nps_drop", "points": 0, "subscribers": ["a@b.example"]}]', "PULSE_ALERT_RULES[0].points"),
    ('[{"id": "x", "kind": "nps_drop", "points": 5, "subscribers": ["not an address"]}]',
     "PULSE_ALERT_RULES[0].subscribers"),
    ('[{"id": "x", "kind": "nps_drop", "points": 5, "subscribers": ["a@b.example"], "segment": {"colour": "red"}}]',
     "PULSE_ALERT_RULES[0].segment"),
])
def test_a_bad_rule_is_refused_naming_its_field(rules, field):
    with pytest.raises(InvalidInput) as caught:
        parse_rules(rules)
    assert field in [p.field for p in caught.value.problems]
