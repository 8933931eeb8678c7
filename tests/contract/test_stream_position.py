"""The local stream poller keeps its position (DynamoDB Local): a restart resumes after the last
record handled instead of replaying the stream (the 41.6 s freshness after a restart, issue 23)."""
from devtools.stream_poller import StreamPoller


def test_a_restarted_poller_resumes_after_its_last_record_instead_of_replaying(local_table, tmp_path):
    import boto3

    position = tmp_path / "stream-position.json"
    streams = boto3.client("dynamodbstreams", region_name="us-east-1",
                           endpoint_url=local_table.client.meta.endpoint_url)
    seen = []

    def poller():
        p = StreamPoller(local_table.client, streams, local_table.name, lambda e: seen.extend(e["Records"]),
                         from_start=True, position_file=str(position))
        p.ensure_stream()
        return p

    first = poller()
    local_table.put({"PK": "X#1", "SK": "A", "n": 1})
    local_table.put({"PK": "X#2", "SK": "A", "n": 2})
    assert sum(first.poll_once() for _ in range(3)) == 2 and position.exists()
    # a restart (same position file, asked to start from the beginning) replays nothing
    second = poller()
    assert second.poll_once() == 0
    local_table.put({"PK": "X#3", "SK": "A", "n": 3})
    assert sum(second.poll_once() for _ in range(3)) == 1
    assert [r["dynamodb"]["Keys"]["PK"]["S"] for r in seen] == ["X#1", "X#2", "X#3"]
    # without the file it starts as it did before: from the stream's start
    position.unlink()
    assert sum(poller().poll_once() for _ in range(2)) == 3
