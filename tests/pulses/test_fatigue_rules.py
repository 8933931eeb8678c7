"""Fatigue rules as a table, with a fixed clock: which rule holds an invitation back, and the boundary day."""
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import fatigue
from chalicelib.domain.fatigue import ContactFacts, FatigueRules, fatigue_reason

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
RULES = FatigueRules(contact_days=30, partner_cap=3, partner_window_days=30)


@pytest.mark.parametrize("facts, expected", [
    (ContactFacts(), None),
    (ContactFacts(opted_out=True), fatigue.OPTED_OUT),
    (ContactFacts(suppressed=True), fatigue.SUPPRESSED),
    (ContactFacts(relationship_open=True), fatigue.RELATIONSHIP_OPEN),
    (ContactFacts(last_asked_at=NOW - timedelta(days=29, hours=23)), fatigue.CONTACT_RECENT),
    (ContactFacts(last_asked_at=NOW - timedelta(days=30)), None),            # the boundary day: exactly N days
    (ContactFacts(last_asked_at=NOW - timedelta(days=30, seconds=-1)), fatigue.CONTACT_RECENT),
    (ContactFacts(partner_pulses_in_window=2), None),
    (ContactFacts(partner_pulses_in_window=3), fatigue.PARTNER_CAP),
    # the order is fixed: an opted-out contact is counted as opted out, whatever else holds
    (ContactFacts(opted_out=True, relationship_open=True, partner_pulses_in_window=9), fatigue.OPTED_OUT),
    (ContactFacts(relationship_open=True, last_asked_at=NOW), fatigue.RELATIONSHIP_OPEN),
])
def test_the_first_rule_that_holds_decides(facts, expected):
    assert fatigue_reason(RULES, NOW, facts) == expected


def test_defaults_are_documented_values():
    rules = FatigueRules.from_environment({})
    assert (rules.contact_days, rules.partner_cap, rules.partner_window_days) == (30, 10, 30)
    assert FatigueRules.from_environment({"PULSE_FATIGUE_CONTACT_DAYS": "45"}).contact_days == 45


def test_skip_reasons_read_in_words_with_the_rules_figures():
    from chalicelib.domain.fatigue import CONTACT_RECENT, PARTNER_CAP, reason_label

    assert reason_label(CONTACT_RECENT) == "contact asked within the last 30 days"
    rules = FatigueRules(contact_days=45, partner_cap=4, partner_window_days=14)
    assert reason_label(CONTACT_RECENT, rules) == "contact asked within the last 45 days"
    assert reason_label(PARTNER_CAP, rules) == "partner reached its cap of 4 pulses in 14 days"
    assert reason_label("something_new") == "something_new"
