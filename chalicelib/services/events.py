"""Accepting program events (issue 27): validate, then store the event and its pending pulse once.

The request path does O(1) work: one TransactWriteItems (event + pending pulse, both conditional on the
event id being new). Everything else (fatigue rules, invitation, mail) happens in the scheduled sender.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain.pulses import ProgramEvent, parse_event
from chalicelib.domain.waves import iso, parse_instant


def pulse_schedule(event: ProgramEvent, event_type, now: datetime) -> tuple[datetime | None, datetime]:
    """(due, expires) of an event's pulse; due None when it expired before it arrived."""
    occurred = parse_instant(event.occurred_at, "occurred_at")
    expires = occurred + timedelta(days=event_type.expiry_days)
    if expires <= now:
        return None, expires
    return max(occurred + timedelta(days=event_type.delay_days), now), expires


def accept_event(store, program, body, now: datetime, source: str) -> tuple[bool, dict]:
    """(new?, result document). InvalidInput names every bad field; nothing is written then."""
    event = parse_event(body, program.event_types, now)
    return store_event(store, program, event, now, source)


def store_event(store, program, event: ProgramEvent, now: datetime, source: str) -> tuple[bool, dict]:
    due, expires = pulse_schedule(event, program.event_type(event.event_type), now)
    new = store.add_event(event, source, now, due, expires)
    result = {"status": "accepted" if new else "duplicate", "event_id": event.event_id,
              "event_type": event.event_type}
    if not new:
        result["message"] = "this event id was received before; it is stored once"
    elif due is None:
        result["pulse"] = "expired: the moment is older than the pulse's expiry, no invitation will go out"
    else:
        result["pulse_due_at"], result["pulse_expires_at"] = iso(due), iso(expires)
    return new, result
