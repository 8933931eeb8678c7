"""The local stand-in for the DynamoDB Streams trigger: ``make run`` starts it next to chalice local.

It reads the table's stream on DynamoDB Local (enabling the stream on a table created before it
existed) and hands each batch of records, in the same shape Lambda receives, to
``chalicelib.jobs.results_stream.handle_stream_event`` -- the code path the deployed stream
handler runs. Every ``--rebuild-every`` seconds it also rebuilds the due snapshots when no record
came (a change seen just after a rebuild is then picked up without a further write).

Failures take the deployed event source mapping's path (deploy/template.py,
``stream_event_source``): a failing batch is split in two and each half delivered again
(``BisectBatchOnFunctionError``), a single record that still fails is retried ``max_retries``
times (``MaximumRetryAttempts``) and then parked in ``LocalFailureQueue`` - the stand-in of the
stack's failure queue, a JSON-lines file with Lambda's on-failure record - and the shard moves
on. One poisoned record never blocks the others (the handler must be idempotent: a record of a
failed half may be delivered again, as on AWS).

    .venv/bin/python -m devtools.stream_poller [--interval 1] [--from-start] [--stage local]
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

logger = logging.getLogger("pulse.poller")
MAX_RETRIES = 3  # as deploy.template.STREAM_MAX_RETRIES
DEFAULT_FAILURE_FILE = Path(__file__).resolve().parents[1] / ".local" / "stream-failures.jsonl"


class LocalFailureQueue:
    """The failure queue's local stand-in: one JSON line per given-up batch, shaped like the
    on-failure record Lambda sends to SQS for a stream (``DDBStreamBatchInfo`` names shard and
    sequence numbers, not the data), plus the error locally (``localError``)."""

    def __init__(self, path: str | Path = DEFAULT_FAILURE_FILE):
        self.path = Path(path)

    def park(self, stream_arn: str, shard_id: str, records: list[dict], error: Exception, attempts: int) -> dict:
        numbers = [r.get("dynamodb", {}).get("SequenceNumber") for r in records]
        message = {
            "requestContext": {"functionArn": "local:results_stream", "condition": "RetryAttemptsExhausted",
                               "approximateInvokeCount": attempts},
            "responseContext": {"functionError": "Unhandled"},
            "version": "1.0", "timestamp": datetime.now(UTC).isoformat(),
            "DDBStreamBatchInfo": {"shardId": shard_id, "startSequenceNumber": numbers[0],
                                   "endSequenceNumber": numbers[-1], "batchSize": len(records),
                                   "streamArn": stream_arn},
            "localError": f"{type(error).__name__}: {error}"[:500],
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(message) + "\n")
        logger.error("stream poller: parked %d record(s) of %s in %s (%s)", len(records), shard_id, self.path,
                     message["localError"])
        return message

    def messages(self) -> list[dict]:
        if not self.path.is_file():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]


class StreamPoller:
    """Follow every shard of a table's stream; call ``handler({"Records": [...]})`` per batch."""

    def __init__(self, dynamodb, streams, table_name: str, handler, *, from_start: bool = False,
                 on_idle=None, idle_every_s: float = 5.0, failure_queue: LocalFailureQueue | None = None,
                 max_retries: int = MAX_RETRIES, position_file=None):
        self.dynamodb, self.streams, self.table_name = dynamodb, streams, table_name
        self.handler, self.on_idle, self.idle_every_s = handler, on_idle, idle_every_s
        self.failure_queue = failure_queue or LocalFailureQueue()
        self.max_retries = max_retries
        self.iterator_type = "TRIM_HORIZON" if from_start else "LATEST"
        self.iterators: dict[str, str | None] = {}
        # the last sequence number handled per shard, kept in ``position_file`` (JSON) so a restart
        # resumes after it instead of replaying the stream (or missing what came while stopped)
        self.position_file = position_file
        self.positions: dict[str, str] = {}
        self.stop_event = threading.Event()
        self.stream_arn = None

    def ensure_stream(self) -> str:
        """The table's stream ARN, enabling the stream first when the table has none."""
        table = self.dynamodb.describe_table(TableName=self.table_name)["Table"]
        if not table.get("LatestStreamArn") or not table.get("StreamSpecification", {}).get("StreamEnabled"):
            self.dynamodb.update_table(TableName=self.table_name, StreamSpecification={
                "StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
            table = self.dynamodb.describe_table(TableName=self.table_name)["Table"]
        self.stream_arn = table["LatestStreamArn"]
        self.positions = self._load_positions()
        self._discover()  # fix the starting positions now: records written from here on are seen
        return self.stream_arn

    def _discover(self) -> None:
        shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        first = not self.iterators
        for shard in shards:
            shard_id = shard["ShardId"]
            if shard_id in self.iterators:
                continue
            if shard_id in self.positions:  # handled up to here before a restart: resume after it
                try:
                    self.iterators[shard_id] = self.streams.get_shard_iterator(
                        StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                        SequenceNumber=self.positions[shard_id])["ShardIterator"]
                    continue
                except Exception:  # noqa: BLE001 - trimmed or unknown: fall back to the usual start
                    logger.info("stream poller: saved position of %s is gone; starting as usual", shard_id)
            # shards that appear after we started hold only new records: read them from their start
            kind = self.iterator_type if first else "TRIM_HORIZON"
            if first and kind == "LATEST" and shard.get("SequenceNumberRange", {}).get("EndingSequenceNumber"):
                self.iterators[shard_id] = None  # closed before we started: nothing new in it
                continue
            self.iterators[shard_id] = self.streams.get_shard_iterator(
                StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType=kind)["ShardIterator"]

    def poll_once(self) -> int:
        """Read every open shard once and deliver each shard's batch; returns how many records were read.

        A shard moves on once its batch was handled or, for records that kept failing, parked in
        the failure queue (see the module docstring)."""
        self._discover()
        total = 0
        for shard_id, iterator in list(self.iterators.items()):
            if iterator is None:
                continue
            result = self.streams.get_records(ShardIterator=iterator, Limit=1000)
            records = result.get("Records", [])
            if records:
                self._deliver(shard_id, records)
                sequence = records[-1].get("dynamodb", {}).get("SequenceNumber")
                if sequence:
                    self.positions[shard_id] = sequence
            self.iterators[shard_id] = result.get("NextShardIterator")
            total += len(records)
        if total:
            self._save_positions()
        return total

    def _deliver(self, shard_id: str, records: list[dict], attempt: int = 1) -> None:
        """Hand ``records`` over; on an error bisect, retry a single record, then park it."""
        try:
            self.handler({"Records": records})
            return
        except Exception as error:  # noqa: BLE001 - any handler error takes the mapping's failure path
            if len(records) > 1:
                middle = len(records) // 2
                self._deliver(shard_id, records[:middle])  # a split does not use up a retry
                self._deliver(shard_id, records[middle:])
            elif attempt <= self.max_retries:
                self._deliver(shard_id, records, attempt + 1)
            else:
                self.failure_queue.park(self.stream_arn or "", shard_id, records, error, attempt)

    def _load_positions(self) -> dict[str, str]:
        if not self.position_file or not os.path.exists(self.position_file):
            return {}
        try:
            with open(self.position_file, encoding="utf-8") as handle:
                saved = json.load(handle)
        except (OSError, ValueError):
            return {}
        # a recreated table has a new stream: its old positions mean nothing
        return dict(saved.get("shards") or {}) if saved.get("stream_arn") == self.stream_arn else {}

    def _save_positions(self) -> None:
        if not self.position_file:
            return
        temporary = f"{self.position_file}.tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump({"stream_arn": self.stream_arn, "shards": self.positions}, handle)
        os.replace(temporary, self.position_file)  # never a half-written file

    def run(self, interval_s: float = 1.0) -> None:
        """Poll until ``stop()``; errors are logged and the loop goes on."""
        if self.stream_arn is None:
            self.ensure_stream()
        last_idle = time.monotonic()
        while not self.stop_event.is_set():
            try:
                if self.poll_once() == 0 and self.on_idle and time.monotonic() - last_idle >= self.idle_every_s:
                    self.on_idle()
                    last_idle = time.monotonic()
            except Exception:  # noqa: BLE001 - a local helper must survive a bad batch
                logger.exception("stream poller: batch failed; going on")
            self.stop_event.wait(interval_s)

    def stop(self) -> None:
        self.stop_event.set()


def start_poller(interval_s: float = 1.0, from_start: bool = False) -> tuple[StreamPoller, threading.Thread]:
    """A poller wired to the application's settings, running in a daemon thread."""
    import boto3

    from chalicelib import wiring
    from chalicelib.jobs.results_stream import handle_stream_event, refresh_due_snapshots, remind_followups

    s = wiring.settings()
    streams = boto3.session.Session().client("dynamodbstreams", region_name=s.region,
                                             endpoint_url=s.dynamodb_endpoint)
    last_reminders = [0.0]

    def idle() -> None:
        refresh_due_snapshots()
        if time.monotonic() - last_reminders[0] >= 60:  # the hourly job's SLA reminders, every minute locally
            remind_followups()
            last_reminders[0] = time.monotonic()

    poller = StreamPoller(wiring.dynamodb_client(), streams, s.table_name, handle_stream_event,
                          from_start=from_start, on_idle=idle,
                          position_file=os.environ.get("PULSE_STREAM_POSITION_FILE") or None)
    poller.ensure_stream()
    thread = threading.Thread(target=poller.run, args=(interval_s,), name="stream-poller", daemon=True)
    thread.start()
    return poller, thread


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    parser.add_argument("--from-start", action="store_true", help="replay the stream's retained records")
    parser.add_argument("--stage", default="local", help="Chalice stage whose variables to apply")
    args = parser.parse_args()
    from pulse_cli.stage import apply_stage

    apply_stage(args.stage)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    poller, thread = start_poller(args.interval, args.from_start)
    signal.signal(signal.SIGTERM, lambda *_: poller.stop())
    signal.signal(signal.SIGINT, lambda *_: poller.stop())
    print(f"stream poller following {poller.stream_arn}", flush=True)
    while thread.is_alive():
        thread.join(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
