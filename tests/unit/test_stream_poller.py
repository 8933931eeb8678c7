"""The local stream poller takes the deployed mapping's failure path: retry, bisect, park, move on."""
from devtools.stream_poller import LocalFailureQueue, StreamPoller


class FakeStreams:
    """One shard: iterator "i0" holds the given records, "i1" is empty."""

    def __init__(self, records):
        self.records, self.reads = records, []

    def describe_stream(self, StreamArn):
        return {"StreamDescription": {"Shards": [{"ShardId": "s1", "SequenceNumberRange": {}}]}}

    def get_shard_iterator(self, StreamArn, ShardId, ShardIteratorType):
        return {"ShardIterator": "i0"}

    def get_records(self, ShardIterator, Limit):
        self.reads.append(ShardIterator)
        return {"Records": self.records if ShardIterator == "i0" else [], "NextShardIterator": "i1"}


def _record(n: int) -> dict:
    return {"eventID": str(n), "dynamodb": {"SequenceNumber": f"{n:05d}"}}


def test_a_transient_failure_is_retried_and_nothing_is_parked(tmp_path):
    calls = []

    def handler(event):
        calls.append(event["Records"])
        if len(calls) == 1:
            raise TimeoutError("database busy")

    queue = LocalFailureQueue(tmp_path / "failures.jsonl")
    poller = StreamPoller(None, FakeStreams([_record(1)]), "t", handler, failure_queue=queue)
    poller.stream_arn = "arn"
    assert poller.poll_once() == 1 and calls == [[_record(1)], [_record(1)]]
    assert queue.messages() == [] and poller.iterators["s1"] == "i1"


def test_a_poisoned_record_is_bisected_out_retried_then_parked_and_the_shard_moves_on(tmp_path):
    handled, tries = [], []

    def handler(event):
        ids = [r["eventID"] for r in event["Records"]]
        if "3" in ids:
            tries.append(ids)
            raise ValueError("poisoned")
        handled.extend(ids)

    queue = LocalFailureQueue(tmp_path / "failures.jsonl")
    streams = FakeStreams([_record(n) for n in range(1, 6)])
    poller = StreamPoller(None, streams, "t", handler, failure_queue=queue, max_retries=2)
    poller.stream_arn = "arn"
    assert poller.poll_once() == 5
    assert sorted(handled) == ["1", "2", "4", "5"]
    assert tries.count(["3"]) == 3  # first try + 2 retries of the lone record
    (parked,) = queue.messages()
    info = parked["DDBStreamBatchInfo"]
    assert (info["shardId"], info["startSequenceNumber"], info["batchSize"]) == ("s1", "00003", 1)
    assert "poisoned" in parked["localError"]
    assert poller.poll_once() == 0 and streams.reads == ["i0", "i1"]  # not read again
