"""Program events through the local stack: time and DynamoDB requests per event (issue 27).

One day of a large program: ``--count`` events (default 100,000) through the same code as
``POST /api/v1/events`` after the HTTP layer (HMAC check of the signed body, JSON parse, schema validation,
one conditional TransactWriteItems of the event and its pending pulse) against DynamoDB Local over HTTP.
Baseline in the same run: a plain ``PutItem`` of an item of the same size per event (the least any
design that stores an event can do). Requests are counted with a botocore ``before-call`` hook.
Then ``--send`` of those pulses go through the scheduled sender (fatigue facts, invitation, outbox mail).

Usage: .venv/bin/python benchmarks/bench_events.py [--count 100000] [--workers 8] [--send 1000]
       [--endpoint http://127.0.0.1:8000]   (default: start a DynamoDB Local of our own)
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                    "AWS_DEFAULT_REGION": "us-east-1"}.items():
    os.environ.setdefault(name, value)

SECRET = "bench-source-secret-0123456789"
NOW = datetime.now(UTC).replace(microsecond=0)


class RequestCounter:
    """Counts DynamoDB API calls by operation (thread-safe), from botocore's before-call event."""

    def __init__(self, client):
        self.counts: Counter = Counter()
        self.lock = threading.Lock()
        client.meta.events.register("before-call.dynamodb", self._count)

    def _count(self, model, **_):
        with self.lock:
            self.counts[model.name] += 1

    def take(self) -> Counter:
        with self.lock:
            found, self.counts = self.counts, Counter()
        return found


def bodies(count: int, partners: int) -> list[bytes]:
    """Signed-request bodies of ``count`` events of four types over ``partners`` partners."""
    out = []
    for n in range(count):
        kind = n % 4
        partner = f"P{n % partners:05d}"
        body = {"event_id": f"bench-{n:07d}", "partner_id": partner,
                "occurred_at": (NOW - timedelta(days=2, minutes=n % 1440)).strftime("%Y-%m-%dT%H:%M:%SZ")}
        if kind == 0:
            body.update(event_type="poc_funded", contact={"email": f"c0.{partner}@bench.example"},
                        attributes={"outcome": "funded", "amount": 25000})
        elif kind == 1:
            body.update(event_type="payout_made", attributes={"amount": 1200, "on_time": n % 7 != 0})
        else:
            body.update(event_type="poc_funded", contact={"email": f"c1.{partner}@bench.example"},
                        attributes={"outcome": "declined" if kind == 3 else "funded"})
        out.append(json.dumps(body).encode())
    return out


def run(fn, items, workers: int) -> float:
    started = time.perf_counter()
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(fn, items, chunksize=64))
    else:
        for item in items:
            fn(item)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--partners", type=int, default=5_000)
    parser.add_argument("--send", type=int, default=1_000, help="pulses to send through the scheduled sender")
    parser.add_argument("--endpoint", default=None)
    args = parser.parse_args()

    import boto3
    from botocore.config import Config

    from chalicelib.domain.program import parse_program_definition
    from chalicelib.security.event_signatures import sign, verify
    from chalicelib.services.events import accept_event
    from chalicelib.storage.pulses import DynamoPulseStore
    from chalicelib.storage.table import DynamoTable, serialize
    from tests.pulses.builders import program_definition

    database = None
    endpoint = args.endpoint
    if endpoint is None:
        from devtools.dynamodb_local import DynamoDBLocal

        database = DynamoDBLocal(Path(tempfile.mkdtemp(prefix="bench-events-")), in_memory=True)
        database.start()
        endpoint = database.endpoint
    try:
        client = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=endpoint,
                              config=Config(max_pool_connections=args.workers + 4,
                                            retries={"mode": "standard", "total_max_attempts": 4}))
        table = DynamoTable(client, f"bench-events-{uuid.uuid4().hex[:8]}")
        table.ensure_exists()
        counter = RequestCounter(client)
        program = parse_program_definition(program_definition())
        store = DynamoPulseStore(table)
        secrets = {"bench": SECRET}
        raw = bodies(args.count, args.partners)
        counter.take()

        def baseline(body: bytes) -> None:
            event = json.loads(body)
            client.put_item(TableName=table.name, Item=serialize({"PK": f"BASE#{event['event_id']}", "SK": "EVENT",
                                                                  "body": body.decode()}))

        def ingest(body: bytes) -> None:
            # the source signs just before sending (its HMAC is counted here too: ~2 microseconds)
            stamp = str(int(time.time()))
            headers = {"x-pulse-source": "bench", "x-pulse-timestamp": stamp,
                       "x-pulse-signature": sign(SECRET, stamp, body)}
            source = verify(secrets, headers, body, datetime.now(UTC))
            accept_event(store, program, json.loads(body), NOW, source)

        print(f"{args.count:,} events, {args.workers} threads, DynamoDB Local at {endpoint}")
        base_seconds = run(baseline, raw, args.workers)
        base_requests = counter.take()
        ingest_seconds = run(ingest, raw, args.workers)
        ingest_requests = counter.take()
        replay_seconds = run(ingest, raw[: min(args.count, 10_000)], args.workers)  # duplicates: stored once
        replay_requests = counter.take()
        replays = min(args.count, 10_000)

        def line(name, seconds, requests, n):
            per = sum(requests.values()) / n
            print(f"  {name:<34} {seconds:8.1f} s  {seconds / n * 1000:7.3f} ms/event  "
                  f"{n / seconds:8.0f} events/s  {per:.2f} requests/event  {dict(requests)}")

        line("baseline: plain PutItem", base_seconds, base_requests, args.count)
        line("events: verify + validate + store", ingest_seconds, ingest_requests, args.count)
        line("replays (duplicate ids)", replay_seconds, replay_requests, replays)
        print(f"  ratio to the baseline: {ingest_seconds / base_seconds:.2f}x time, "
              f"{sum(ingest_requests.values()) / max(sum(base_requests.values()), 1):.2f}x requests")
        if args.send:
            send_pulses(args, table, counter, program, store)
    finally:
        if database is not None:
            database.stop()


def send_pulses(args, table, counter, program, store) -> None:
    """``--send`` due pulses through the scheduled sender (outbox mail) on a directory of their partners."""
    from decimal import Decimal

    from chalicelib.domain.fatigue import FatigueRules
    from chalicelib.domain.partners import Contact, Partner, contact_id_for
    from chalicelib.mail.outbox import OutboxMailer
    from chalicelib.security.tokens import InvitationTokens
    from chalicelib.security.unsubscribe_tokens import UnsubscribeTokens
    from chalicelib.services.distribution import Distribution
    from chalicelib.services.pulse_sender import PulseSender, handle_pulse
    from chalicelib.storage.sends import DynamoSendRepository
    from chalicelib.storage.suppressions import DynamoSuppressionRepository
    from tests.builders import make_repositories

    repos = make_repositories(table)
    repos.programs.apply(program, NOW.strftime("%Y-%m-%dT%H:%M:%SZ"))
    partners = [Partner(f"P{n:05d}", f"Partner {n}", "advanced", "EMEA", "DE", ("reseller",), True, Decimal(1000),
                        ("proof_of_concept",), "am@vendor.example",
                        tuple(Contact(contact_id_for(f"c{k}.P{n:05d}@bench.example"), f"C{k}",
                                      f"c{k}.P{n:05d}@bench.example", "en") for k in range(2)))
                for n in range(args.partners)]
    repos.partners.put_many(partners, "2026-01-01T00:00:00Z")
    outbox = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    d = Distribution(repos=repos, sends=DynamoSendRepository(table), suppressions=DynamoSuppressionRepository(table),
                     mailer=OutboxMailer(outbox), invitation_tokens=InvitationTokens(SECRET),
                     unsubscribe_tokens=UnsubscribeTokens(SECRET), base_url="https://pulse.example.com",
                     sender="Partner Pulse <pulse@example.com>")
    sender = PulseSender(store=store, distribution=d, rules=FatigueRules(), program=program)
    due = []
    for day in (NOW - timedelta(days=1), NOW):  # one page of each due day (the sender reads them all)
        items, _ = table.query(f"PULSEDUE#{day:%Y-%m-%d}", index="GSI2", page_size=args.send)
        due.extend(items)
    due = due[: args.send]
    counter.take()
    started = time.perf_counter()
    outcomes = Counter(handle_pulse(sender, pending, NOW) for pending in due)
    seconds = time.perf_counter() - started
    requests = counter.take()
    print(f"  sender: {len(due):,} due pulses in {seconds:.1f} s ({seconds / len(due) * 1000:.1f} ms/pulse, "
          f"one thread), {sum(requests.values()) / len(due):.1f} requests/pulse {dict(requests)}; "
          f"outcomes {dict(outcomes)}")


if __name__ == "__main__":
    main()
