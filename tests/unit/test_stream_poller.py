"""The local stream poller retries a failed batch, as Lambda does: shards move on only after success."""
from devtools.stream_poller import StreamPoller


class FakeStreams:
    """One shard: iterator "i0" holds one record, "i1" is empty."""

    def __init__(self):
        self.reads = []

    def describe_stream(self, StreamArn):
        return {"StreamDescription": {"Shards": [{"ShardId": "s1", "SequenceNumberRange": {}}]}}

    def get_shard_iterator(self, StreamArn, ShardId, ShardIteratorType):
        return {"ShardIterator": "i0"}

    def get_records(self, ShardIterator, Limit):
        self.reads.append(ShardIterator)
        records = [{"eventID": "1"}] if ShardIterator == "i0" else []
        return {"Records": records, "NextShardIterator": "i1"}


def test_a_failed_batch_is_read_again_and_a_handled_one_is_not():
    calls = []

    def handler(event):
        calls.append(event["Records"])
        if len(calls) == 1:
            raise TimeoutError("database busy")

    streams = FakeStreams()
    poller = StreamPoller(None, streams, "t", handler)
    poller.stream_arn = "arn"
    try:
        poller.poll_once()
    except TimeoutError:
        pass
    assert poller.iterators["s1"] == "i0"  # not moved: the batch comes again
    assert poller.poll_once() == 1 and calls[1] == [{"eventID": "1"}]
    assert poller.poll_once() == 0 and streams.reads == ["i0", "i0", "i1"]

