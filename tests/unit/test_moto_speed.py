"""The suite's fast path for moto's DynamoDB reads (tests/moto_speed.py) must answer exactly what
moto's own serializer answers, and leave binary values to moto."""
import json

import boto3
from moto import mock_aws

from tests.moto_speed import FAST_OPERATIONS

ITEM = {"PK": {"S": "WAVE#w1"}, "SK": {"S": "RESPONSE#1"}, "n": {"N": "9"}, "f": {"N": "-0.125"},
        "ok": {"BOOL": True}, "none": {"NULL": True}, "tags": {"SS": ["a", "b"]}, "nums": {"NS": ["1", "2"]},
        "answers": {"M": {"q_nps": {"N": "3"}, "q_comment": {"S": "Très bien 日本 \\u2028 <b>"},
                          "list": {"L": [{"S": "x"}, {"N": "1"}, {"M": {}}]}}}}


def _bodies(monkeypatch, call):
    """The parsed body of one call through the fast path and through moto's serializer."""
    from moto.dynamodb.responses import DynamoResult

    seen = []
    fast = DynamoResult.execute_result

    def record(self, context):
        answer = fast(self, context)
        seen.append((context.operation_model.name, json.loads(answer[2]),
                     json.loads(DynamoResult._pulse_original(self, context)[2])))
        return answer

    monkeypatch.setattr(DynamoResult, "execute_result", record)
    result = call()
    return result, seen


def test_the_fast_path_answers_what_moto_answers(monkeypatch):
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"},
                                       {"AttributeName": "SK", "KeyType": "RANGE"}],
                            AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"},
                                                  {"AttributeName": "SK", "AttributeType": "S"}])
        client.put_item(TableName="t", Item=ITEM)
        key = {"PK": ITEM["PK"], "SK": ITEM["SK"]}
        calls = [lambda: client.get_item(TableName="t", Key=key),
                 lambda: client.query(TableName="t", KeyConditionExpression="PK = :p",
                                      ExpressionAttributeValues={":p": ITEM["PK"]}),
                 lambda: client.scan(TableName="t"),
                 lambda: client.batch_get_item(RequestItems={"t": {"Keys": [key]}})]
        operations = set()
        for call in calls:
            result, seen = _bodies(monkeypatch, call)
            monkeypatch.undo()
            [(operation, fast, reference)] = seen
            operations.add(operation)
            assert fast == reference, operation
        assert operations == FAST_OPERATIONS
        assert client.get_item(TableName="t", Key=key)["Item"]["answers"]["M"]["q_comment"]["S"].startswith("Très")


def test_binary_values_go_through_moto(monkeypatch):
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(TableName="b", BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}])
        client.put_item(TableName="b", Item={"PK": {"S": "k"}, "blob": {"B": b"\x00\xffbytes"}})
        assert client.get_item(TableName="b", Key={"PK": {"S": "k"}})["Item"]["blob"]["B"] == b"\x00\xffbytes"
