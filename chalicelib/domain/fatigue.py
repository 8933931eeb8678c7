"""Fatigue rules (issue 27): who may be asked now, across transactional pulses and relationship waves.

Pure functions with the clock passed in. The facts about one contact are gathered by the sender
(services/pulse_sender.py); :func:`fatigue_reason` decides, in a fixed order, the first rule that
holds an invitation back, or None. Every reason is recorded and counted by the sender.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_CONTACT_DAYS = 30     # no contact asked more than once per 30 days (pulses and relationship waves)
DEFAULT_PARTNER_CAP = 10      # at most 10 pulse invitations per partner ...
DEFAULT_PARTNER_WINDOW_DAYS = 30  # ... per 30 days

OPTED_OUT = "opted_out"
SUPPRESSED = "suppressed_address"
RELATIONSHIP_OPEN = "relationship_wave_open"
CONTACT_RECENT = "contact_asked_recently"
PARTNER_CAP = "partner_cap"
EXPIRED = "expired"
NO_CONTACT = "contact_not_in_directory"
NO_PARTNER = "partner_not_in_directory"
REASONS = (EXPIRED, NO_PARTNER, NO_CONTACT, OPTED_OUT, SUPPRESSED, RELATIONSHIP_OPEN, CONTACT_RECENT, PARTNER_CAP)
REASON_LABELS = {
    EXPIRED: "expired before it could be sent", NO_PARTNER: "partner not in the directory",
    NO_CONTACT: "contact not in the directory", OPTED_OUT: "contact opted out",
    SUPPRESSED: "address suppressed (bounce or complaint)",
    RELATIONSHIP_OPEN: "a relationship wave is open for them",
    CONTACT_RECENT: "contact asked within the last {contact_days:g} days",
    PARTNER_CAP: "partner reached its cap of {partner_cap} pulses in {partner_window_days:g} days",
}


@dataclass(frozen=True)
class FatigueRules:
    contact_days: float = DEFAULT_CONTACT_DAYS
    partner_cap: int = DEFAULT_PARTNER_CAP
    partner_window_days: float = DEFAULT_PARTNER_WINDOW_DAYS

    @classmethod
    def from_environment(cls, env) -> FatigueRules:
        return cls(contact_days=float(env.get("PULSE_FATIGUE_CONTACT_DAYS", DEFAULT_CONTACT_DAYS)),
                   partner_cap=int(env.get("PULSE_FATIGUE_PARTNER_CAP", DEFAULT_PARTNER_CAP)),
                   partner_window_days=float(env.get("PULSE_FATIGUE_PARTNER_WINDOW_DAYS",
                                                     DEFAULT_PARTNER_WINDOW_DAYS)))

    def contact_cutoff(self, now: datetime) -> datetime:
        """A contact last asked at or before this instant may be asked again."""
        return now - timedelta(days=self.contact_days)

    def partner_cutoff(self, now: datetime) -> datetime:
        return now - timedelta(days=self.partner_window_days)


@dataclass(frozen=True)
class ContactFacts:
    """What is known about one contact and partner at send time."""

    opted_out: bool = False
    suppressed: bool = False
    relationship_open: bool = False
    last_asked_at: datetime | None = None  # latest invitation of any survey (pulse or relationship)
    partner_pulses_in_window: int = 0      # pulse invitations sent to the partner within the window


def reason_label(reason: str, rules: FatigueRules | None = None) -> str:
    """A skip reason in words, with the rules' figures ("contact asked within the last 30 days")."""
    rules = rules or FatigueRules()
    return REASON_LABELS.get(reason, reason).format(contact_days=rules.contact_days, partner_cap=rules.partner_cap,
                                                    partner_window_days=rules.partner_window_days)


def fatigue_reason(rules: FatigueRules, now: datetime, facts: ContactFacts) -> str | None:
    """The first rule that holds the invitation back, or None when it may go out now."""
    if facts.opted_out:
        return OPTED_OUT
    if facts.suppressed:
        return SUPPRESSED
    if facts.relationship_open:
        return RELATIONSHIP_OPEN
    if facts.last_asked_at is not None and facts.last_asked_at > rules.contact_cutoff(now):
        return CONTACT_RECENT
    if facts.partner_pulses_in_window >= rules.partner_cap:
        return PARTNER_CAP
    return None
