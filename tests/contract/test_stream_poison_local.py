"""On DynamoDB Local: one record that always fails is parked in the failure queue's stand-in; the
others of the shard are handled, and the shard is not blocked (the mapping's failure path)."""
import boto3

from devtools.stream_poller import LocalFailureQueue, StreamPoller


def test_a_poisoned_record_is_parked_and_the_others_are_processed(local_table, dynamodb_local_endpoint, tmp_path):
    client = local_table.client
    streams = boto3.client("dynamodbstreams", region_name="us-east-1", endpoint_url=dynamodb_local_endpoint)
    handled, tries = [], []

    def handler(event):  # like results_stream: raises for the whole batch when one record is bad
        keys = [r["dynamodb"]["Keys"]["PK"]["S"] for r in event["Records"]]
        if "ITEM#poison" in keys:
            tries.append(keys)
            raise ValueError("this record always fails")
        handled.extend(keys)

    queue = LocalFailureQueue(tmp_path / "stream-failures.jsonl")
    poller = StreamPoller(client, streams, local_table.name, handler, failure_queue=queue, max_retries=2)
    poller.ensure_stream()
    names = ["a", "b", "poison", "c", "d"]
    for name in names:
        client.put_item(TableName=local_table.name, Item={"PK": {"S": f"ITEM#{name}"}, "SK": {"S": "X"}})

    read = 0
    for _ in range(5):  # DynamoDB Local may hand the records over in more than one read
        read += poller.poll_once()
        if read >= len(names):
            break
    assert sorted(handled) == ["ITEM#a", "ITEM#b", "ITEM#c", "ITEM#d"]
    (parked,) = queue.messages()
    assert parked["DDBStreamBatchInfo"]["batchSize"] == 1 and "always fails" in parked["localError"]
    assert tries.count(["ITEM#poison"]) == 3  # the first try and two retries, then parked
    # the shard moved on: a later write is delivered, the poisoned record is not read again
    client.put_item(TableName=local_table.name, Item={"PK": {"S": "ITEM#e"}, "SK": {"S": "X"}})
    for _ in range(5):
        if poller.poll_once():
            break
    assert handled[-1] == "ITEM#e" and len(queue.messages()) == 1
