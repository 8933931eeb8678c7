"""Builders for the pulse tests: a program with event types, signed event requests, a table count."""
from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta

from chalicelib.domain.program import DEFAULT_DEFINITION
from chalicelib.security.event_signatures import sign

SOURCE, SOURCE_SECRET = "prm", "prm-secret-0123456789abcdef"
EVENT_SECRETS = json.dumps({SOURCE: SOURCE_SECRET, "incentives": "incentive-secret-0123456789"})

EVENT_TYPES = [
    {"id": "poc_funded", "label": "PoC funding", "program": "proof_of_concept",
     "attributes": {"outcome": {"type": "string", "allowed": ["funded", "declined"], "required": True},
                    "amount": {"type": "number"}},
     "pulse": {"languages": ["en", "es"],
               "question": {"en": "How likely are you to recommend our PoC funding?",
                            "es": "¿Recomendaría nuestra financiación de PoC?"}},
     "delay_days": 2, "expiry_days": 14, "ask": "event_contact"},
    {"id": "payout_made", "label": "Incentive payout",
     "attributes": {"amount": {"type": "number", "required": True}, "on_time": {"type": "boolean"}},
     "delay_days": 3, "expiry_days": 14, "ask": "primary_contact"},
]


def program_definition(**overrides) -> dict:
    definition = copy.deepcopy(DEFAULT_DEFINITION)
    definition["event_types"] = copy.deepcopy(EVENT_TYPES)
    definition.update(overrides)
    return definition


def event_body(event_id: str = "evt-1", occurred: datetime | None = None, **overrides) -> dict:
    body = {"event_id": event_id, "event_type": "poc_funded", "partner_id": "P001",
            "contact": {"email": "c0.P001@partner.example"},
            "occurred_at": (occurred or datetime(2026, 12, 1, 9, 0)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "attributes": {"outcome": "funded", "amount": 25000}}
    body.update(overrides)
    return body


def signed_headers(raw: bytes, now: datetime, source: str = SOURCE, secret: str = SOURCE_SECRET,
                   skew: timedelta = timedelta(0)) -> dict:
    stamp = str(int((now + skew).timestamp()))
    return {"Content-Type": "application/json", "X-Pulse-Source": source, "X-Pulse-Timestamp": stamp,
            "X-Pulse-Signature": sign(secret, stamp, raw)}


def table_items(table) -> list[dict]:
    """Every item (tests only: a Scan to prove that nothing was written)."""
    items, start = [], None
    while True:
        kwargs = {"TableName": table.name, **({"ExclusiveStartKey": start} if start else {})}
        result = table.client.scan(**kwargs)
        items.extend(result["Items"])
        start = result.get("LastEvaluatedKey")
        if not start:
            return items
