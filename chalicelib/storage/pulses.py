"""Program events, pending pulses, the fatigue ledger and the transactional results (issue 27).

Items (single table, docs/data-model.md):

- Event: PK ``EVENT#<event id>``, SK ``EVENT``; GSI1PK ``PULSES#<event type>``, GSI1SK
  ``<occurred_at>#<event id>`` (every event of a type, by time: the results join). Fields: the event
  (event_type, partner_id, occurred_at, attributes, contact_email, contact_language), source,
  received_at, status (``pending`` | ``sent`` | ``skipped``), reason, invitation_id, wave_id. A skipped
  event also carries GSI2PK ``PULSESKIPPED#<yyyy-mm>``, GSI2SK ``<reason>#<event id>`` (counts by month).
  The conditional put on this key makes an event id stored once.
- Pending pulse: PK ``PULSE#<event id>``, SK ``PENDING``; GSI2PK ``PULSEDUE#<yyyy-mm-dd>`` (due day),
  GSI2SK ``<due_at>#<event id>`` (sparse: removed once handled); ``expires_at`` (epoch seconds) is the
  table's TTL attribute, so an unhandled pulse disappears after its expiry.
- Contact ledger: PK ``CONTACT#<contact id>``, SK ``LASTASKED``: last_asked_at, last_event,
  last_invitation_id, opted_out (set once seen).
- Partner pulse log: PK ``PARTNERPULSES#<partner id>``, SK ``<sent_at>#<event id>`` (TTL after the window).
- Results: PK ``PULSERESULTS``, SK ``CURRENT``: the transactional results document (JSON text), as
  last built. SK ``RELEASED``: the copy released to readers (``services.pulse_release``): document,
  released_at, min_changes, held, held_since, member_chunks. SK ``RELEASEDMEMBERS#<n>``: the released
  build's responses (id -> version and groups), zlib-compressed JSON in base64 chunks, which the next build
  is compared with (written in one transaction with the released copy).
"""
from __future__ import annotations

import base64
import json
import zlib
from collections import Counter
from datetime import datetime, timedelta

from botocore.exceptions import ClientError

from chalicelib.domain.pulses import ProgramEvent
from chalicelib.domain.waves import iso

from .schema import TTL_ATTRIBUTE
from .table import DynamoTable, cancellation_reasons, deserialize, error_code, from_dynamo, serialize

RESULTS_KEY = ("PULSERESULTS", "CURRENT")
RELEASED_KEY = ("PULSERESULTS", "RELEASED")
MEMBERS_KEY = ("PULSERESULTS", "RELEASEDMEMBERS")  # SK + "#<n>": one chunk of the released members
MEMBERS_CHUNK = 350_000  # characters of base64 per item (an item stays under 400 KB)


def event_key(event_id: str) -> tuple[str, str]:
    return f"EVENT#{event_id}", "EVENT"


def pending_key(event_id: str) -> tuple[str, str]:
    return f"PULSE#{event_id}", "PENDING"


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def event_item(event: ProgramEvent, source: str, received_at: datetime, status: str) -> dict:
    pk, sk = event_key(event.event_id)
    return {"PK": pk, "SK": sk, "type": "program_event", "GSI1PK": f"PULSES#{event.event_type}",
            "GSI1SK": f"{event.occurred_at}#{event.event_id}", **event.to_dict(), "source": source,
            "received_at": iso(received_at), "status": status}


def pending_item(event: ProgramEvent, due_at: datetime, expires_on: datetime) -> dict:
    pk, sk = pending_key(event.event_id)
    return {"PK": pk, "SK": sk, "type": "pending_pulse", "GSI2PK": f"PULSEDUE#{due_at:%Y-%m-%d}",
            "GSI2SK": f"{iso(due_at)}#{event.event_id}", **event.to_dict(), "status": "pending",
            "due_at": iso(due_at), "expires_on": iso(expires_on), TTL_ATTRIBUTE: epoch(expires_on)}


class DynamoPulseStore:
    """Events and pulses in the application's table; every read is a key read or a Query."""

    def __init__(self, table: DynamoTable):
        self.table = table

    # -- ingestion (request path: one TransactWriteItems) ---------------------------------
    def add_event(self, event: ProgramEvent, source: str, now: datetime, due_at: datetime | None,
                  expires_on: datetime | None) -> bool:
        """Store the event and its pending pulse once; False when the event id is known (nothing written).

        ``due_at`` None: the pulse had expired before the event arrived (a late backfill): the event is
        stored as skipped ``expired`` and nothing is pending."""
        if due_at is None:
            item = event_item(event, source, now, "skipped")
            item.update(reason="expired", GSI2PK=f"PULSESKIPPED#{now:%Y-%m}", GSI2SK=f"expired#{event.event_id}")
            return self.table.put(item, condition="attribute_not_exists(PK)")
        actions = [{"Put": {"Item": event_item(event, source, now, "pending"),
                            "ConditionExpression": "attribute_not_exists(PK)"}},
                   {"Put": {"Item": pending_item(event, due_at, expires_on),
                            "ConditionExpression": "attribute_not_exists(PK)"}}]
        try:
            self.table.transact(actions)
        except ClientError as error:
            if error_code(error) == "TransactionCanceledException" and \
                    "ConditionalCheckFailed" in cancellation_reasons(error):
                return False
            raise
        return True

    def get_event(self, event_id: str) -> dict | None:
        return self.table.get(*event_key(event_id))

    def get_pending(self, event_id: str) -> dict | None:
        return self.table.get(*pending_key(event_id))

    # -- the scheduled sender ---------------------------------------------------------------
    def due(self, now: datetime, horizon_days: int) -> list[dict]:
        """Pending pulses due by ``now`` (one Query per due day of the horizon, oldest first)."""
        found = []
        day = (now - timedelta(days=horizon_days)).date()
        while day <= now.date():
            found.extend(self._query_due(f"PULSEDUE#{day:%Y-%m-%d}", f"{iso(now)}#\uffff"))
            day += timedelta(days=1)
        return found

    def _query_due(self, bucket: str, upper: str) -> list[dict]:
        items, start = [], None
        while True:
            kwargs = {"TableName": self.table.name, "IndexName": "GSI2",
                      "KeyConditionExpression": "GSI2PK = :pk AND GSI2SK <= :upper",
                      "ExpressionAttributeValues": serialize({":pk": bucket, ":upper": upper})}
            if start:
                kwargs["ExclusiveStartKey"] = start
            result = self.table.call("query", **kwargs)
            items.extend(from_dynamo(deserialize(i)) for i in result.get("Items", []))
            start = result.get("LastEvaluatedKey")
            if not start:
                return items

    def finish(self, pending: dict, status: str, now: datetime, *, reason: str | None = None,
               invitation_id: str | None = None, wave_id: str | None = None) -> bool:
        """Record what became of a pending pulse (sent / skipped with a reason): the pending item leaves
        the due index (and is deleted by TTL a week later); the event keeps the outcome. False when
        another run finished it first."""
        event_id = pending["event_id"]
        done = self.table.update(*pending_key(event_id), "SET #status = :status, handled_at = :now, expires_at = :ttl "
                                 "REMOVE GSI2PK, GSI2SK", {":status": status, ":now": iso(now), ":pending": "pending",
                                                           ":ttl": epoch(now + timedelta(days=7))},
                                 condition="#status = :pending", names={"#status": "status"})
        if not done:
            return False
        values = {":status": status, ":now": iso(now)}
        expression = "SET #status = :status, handled_at = :now"
        for name, value in (("reason", reason), ("invitation_id", invitation_id), ("wave_id", wave_id)):
            if value:
                values[f":{name}"] = value
                expression += f", {name} = :{name}"
        if status == "skipped":
            values[":skpk"], values[":sksk"] = f"PULSESKIPPED#{now:%Y-%m}", f"{reason}#{event_id}"
            expression += ", GSI2PK = :skpk, GSI2SK = :sksk"
        self.table.update(*event_key(event_id), expression, values, names={"#status": "status"})
        return True

    def skipped_counts(self, month: str) -> Counter:
        """Skipped pulses of a month (``2026-12``) by reason."""
        counts: Counter = Counter()
        for item in self.table.query_all(f"PULSESKIPPED#{month}", index="GSI2", attributes=("reason",)):
            counts[item.get("reason", "?")] += 1
        return counts

    def skipped(self, month: str) -> list[dict]:
        return list(self.table.query_all(f"PULSESKIPPED#{month}", index="GSI2"))

    def events_of_type(self, event_type: str) -> list[dict]:
        """Every event of a type, oldest first (the results join)."""
        return list(self.table.query_all(f"PULSES#{event_type}", index="GSI1"))

    def add_invitation(self, invitation) -> bool:
        """Store a pulse's invitation once (its id derives from the event; a re-run finds it)."""
        from .invitations import invitation_to_item

        return self.table.put(invitation_to_item(invitation), condition="attribute_not_exists(PK)")

    # -- fatigue ledger -----------------------------------------------------------------------
    def contact_ledger(self, contact_id: str) -> dict | None:
        return self.table.get(f"CONTACT#{contact_id}", "LASTASKED")

    def claim_contact(self, contact_id: str, event_id: str, invitation_id: str, now: datetime,
                      cutoff: datetime) -> bool:
        """Mark the contact asked now, unless someone asked them after ``cutoff`` for another event
        (one conditional write: two simultaneous events for one contact cannot both pass)."""
        return self.table.update(
            f"CONTACT#{contact_id}", "LASTASKED",
            "SET last_asked_at = :now, last_event = :event, last_invitation_id = :inv",
            {":now": iso(now), ":event": event_id, ":inv": invitation_id, ":cutoff": iso(cutoff)},
            condition="attribute_not_exists(last_asked_at) OR last_asked_at <= :cutoff OR last_event = :event")

    def mark_contact_opted_out(self, contact_id: str, now: datetime) -> None:
        self.table.update(f"CONTACT#{contact_id}", "LASTASKED", "SET opted_out = :now", {":now": iso(now)})

    def partner_pulses_since(self, partner_id: str, since: datetime, except_event: str = "") -> int:
        items = [i for i in self.table.query_all(f"PARTNERPULSES#{partner_id}", attributes=("SK", "event_id"))
                 if i["SK"] > iso(since) and i.get("event_id") != except_event]
        return len(items)

    def record_partner_pulse(self, partner_id: str, event_id: str, now: datetime, keep_days: float) -> None:
        self.table.put({"PK": f"PARTNERPULSES#{partner_id}", "SK": f"{iso(now)}#{event_id}", "type": "partner_pulse",
                        "event_id": event_id, TTL_ATTRIBUTE: epoch(now + timedelta(days=keep_days + 1))})

    # -- results -------------------------------------------------------------------------------
    def put_results(self, doc: dict, now: datetime) -> None:
        self.table.put({"PK": RESULTS_KEY[0], "SK": RESULTS_KEY[1], "type": "pulse_results",
                        "built_at": iso(now), "document": json.dumps(doc, ensure_ascii=False, allow_nan=False)})

    def results(self) -> dict | None:
        item = self.table.get(*RESULTS_KEY, consistent=False)
        return json.loads(item["document"]) if item else None

    def put_release(self, doc: dict, members: dict, k: int, now: datetime) -> dict:
        """Release ``doc`` to readers with its members (in chunks of MEMBERS_CHUNK characters), all in one
        transaction (all or nothing; at most 4 MB: some 130,000 responses)."""
        packed = base64.b64encode(zlib.compress(json.dumps(members, separators=(",", ":")).encode())).decode()
        chunks = [packed[i:i + MEMBERS_CHUNK] for i in range(0, len(packed), MEMBERS_CHUNK)] or [""]
        self.table.transact([
            {"Put": {"Item": {"PK": RELEASED_KEY[0], "SK": RELEASED_KEY[1], "type": "pulse_release",
                              "document": json.dumps(doc, ensure_ascii=False, allow_nan=False),
                              "released_at": iso(now), "min_changes": k, "held": 0, "member_chunks": len(chunks)}}},
            *[{"Put": {"Item": {"PK": MEMBERS_KEY[0], "SK": f"{MEMBERS_KEY[1]}#{n}", "type": "pulse_release_members",
                                "members": chunk}}} for n, chunk in enumerate(chunks)]])
        return {"released": True, "released_at": iso(now), "min_changes": k, "held": 0, "held_since": None}

    def mark_held(self, held: int, now: datetime) -> dict:
        """The released copy stays: record how many changed responses wait, and since when."""
        self.table.update(*RELEASED_KEY, "SET held = :h, held_since = if_not_exists(held_since, :t)",
                          {":h": held, ":t": iso(now)}, condition="attribute_exists(PK)")
        item = self.table.get(*RELEASED_KEY) or {}
        return {"released": False, "released_at": item.get("released_at"), "min_changes": item.get("min_changes"),
                "held": held, "held_since": item.get("held_since")}

    def released(self) -> dict | None:
        """The released document with its ``release`` record (what every reader reads), or None."""
        item = self.table.get(*RELEASED_KEY, consistent=False)
        if not item:
            return None
        release = {k: item.get(k) for k in ("released_at", "min_changes", "held", "held_since")}
        return {**json.loads(item["document"]), "release": {**release, "held": int(release["held"] or 0)}}

    def released_members(self) -> dict | None:
        """The members of the released build (None before the first release)."""
        item = self.table.get(*RELEASED_KEY)
        if not item:
            return None
        keys = [(MEMBERS_KEY[0], f"{MEMBERS_KEY[1]}#{n}") for n in range(int(item.get("member_chunks") or 0))]
        found = {}
        for start in range(0, len(keys), 100):
            found.update(self.table.batch_get(keys[start:start + 100]))
        packed = "".join(found[key]["members"] for key in keys)
        return json.loads(zlib.decompress(base64.b64decode(packed))) if packed else {}
