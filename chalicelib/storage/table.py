"""A thin wrapper over the DynamoDB client: serialisation, pagination, batching, errors.

Every ``ClientError`` is translated here into the application's own errors, so nothing
above the storage edge ever sees botocore.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.errors import StorageUnavailable
from chalicelib.domain.text import repair_text

from .schema import table_definition

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
UNAVAILABLE_CODES = {
    "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
    "InternalServerError", "ServiceUnavailable", "TransactionInProgressException",
}
BATCH_WRITE_SIZE = 25
BATCH_GET_SIZE = 100
MAX_BATCH_ROUNDS = 8


def to_dynamo(value: Any) -> Any:
    """Python value -> value boto3 can serialise (floats become Decimal)."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [to_dynamo(v) for v in value]
    return value


def from_dynamo(value: Any) -> Any:
    """Deserialised value -> plain Python (integral Decimals become int). Text stored before the edge
    checked it (unpaired surrogates, control characters) is repaired here, the one read edge."""
    if isinstance(value, str):
        return repair_text(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {repair_text(k): from_dynamo(v) for k, v in value.items()}
    if isinstance(value, (list, set)):
        return [from_dynamo(v) for v in value]
    return value


def serialize(item: dict) -> dict:
    return {k: _serializer.serialize(v) for k, v in to_dynamo(item).items()}


def deserialize(item: dict) -> dict:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def error_code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


class DynamoTable:
    """The application's table, reached through one botocore client."""

    def __init__(self, client, table_name: str):
        self.client = client
        self.name = table_name

    # -- errors -----------------------------------------------------------------
    def unavailable(self, error: Exception) -> StorageUnavailable:
        return StorageUnavailable(f"database unavailable ({type(error).__name__})")

    def call(self, operation: str, **kwargs) -> dict:
        """Call a client operation, translating transport and throttling errors."""
        try:
            return getattr(self.client, operation)(**kwargs)
        except ClientError as error:
            if error_code(error) in UNAVAILABLE_CODES:
                raise self.unavailable(error) from error
            raise
        except BotoCoreError as error:
            raise self.unavailable(error) from error

    # -- single items -----------------------------------------------------------
    def get(self, pk: str, sk: str, consistent: bool = True) -> dict | None:
        result = self.call("get_item", TableName=self.name, Key=serialize({"PK": pk, "SK": sk}),
                           ConsistentRead=consistent)
        return from_dynamo(deserialize(result["Item"])) if "Item" in result else None

    def put(self, item: dict, condition: str | None = None, values: dict | None = None,
            names: dict | None = None) -> bool:
        """Put an item; with a condition, return False instead of raising when it fails."""
        kwargs: dict[str, Any] = {"TableName": self.name, "Item": serialize(item)}
        if condition:
            kwargs["ConditionExpression"] = condition
        if values:
            kwargs["ExpressionAttributeValues"] = serialize(values)
        if names:
            kwargs["ExpressionAttributeNames"] = names
        try:
            self.call("put_item", **kwargs)
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def update(self, pk: str, sk: str, expression: str, values: dict,
               condition: str | None = None, names: dict | None = None) -> bool:
        kwargs: dict[str, Any] = {
            "TableName": self.name, "Key": serialize({"PK": pk, "SK": sk}),
            "UpdateExpression": expression, "ExpressionAttributeValues": serialize(values),
        }
        if condition:
            kwargs["ConditionExpression"] = condition
        if names:
            kwargs["ExpressionAttributeNames"] = names
        try:
            self.call("update_item", **kwargs)
        except ClientError as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # -- collections --------------------------------------------------------------
    def query(self, pk: str, *, index: str | None = None, sk_prefix: str | None = None,
              page_size: int | None = None, start_key: dict | None = None,
              forward: bool = True, attributes: tuple[str, ...] | None = None) -> tuple[list[dict], dict | None]:
        """One page of a query on the table or on GSI1/GSI2; returns (items, next key).

        ``attributes``: read only these attributes (a projection; less to transfer and parse)."""
        pk_name = f"{index}PK" if index else "PK"
        sk_name = f"{index}SK" if index else "SK"
        expression = "#pk = :pk"
        names = {"#pk": pk_name}
        values: dict[str, Any] = {":pk": pk}
        if sk_prefix:
            expression += " AND begins_with(#sk, :sk)"
            names["#sk"] = sk_name
            values[":sk"] = sk_prefix
        kwargs: dict[str, Any] = {
            "TableName": self.name, "KeyConditionExpression": expression,
            "ExpressionAttributeNames": names, "ExpressionAttributeValues": serialize(values),
            "ScanIndexForward": forward,
        }
        if index:
            kwargs["IndexName"] = index
        if attributes:
            aliases = {f"#a{i}": name for i, name in enumerate(attributes)}
            kwargs["ProjectionExpression"] = ", ".join(aliases)
            names.update(aliases)
        if page_size:
            kwargs["Limit"] = page_size
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        result = self.call("query", **kwargs)
        items = [from_dynamo(deserialize(item)) for item in result.get("Items", [])]
        return items, result.get("LastEvaluatedKey")

    def query_all(self, pk: str, **kwargs) -> Iterator[dict]:
        """Every item of a query, following pagination to the end."""
        start_key = None
        while True:
            items, start_key = self.query(pk, start_key=start_key, **kwargs)
            yield from items
            if not start_key:
                return

    def batch_get(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict]:
        """Read up to 100 items in one request (plus retries of unprocessed keys)."""
        found: dict[tuple[str, str], dict] = {}
        pending = {self.name: {"Keys": [serialize({"PK": pk, "SK": sk}) for pk, sk in keys],
                               "ConsistentRead": True}}
        for attempt in range(MAX_BATCH_ROUNDS):
            result = self.call("batch_get_item", RequestItems=pending)
            for raw in result.get("Responses", {}).get(self.name, []):
                item = from_dynamo(deserialize(raw))
                found[(item["PK"], item["SK"])] = item
            pending = result.get("UnprocessedKeys") or {}
            if not pending:
                return found
            time.sleep(min(0.05 * 2 ** attempt, 1.0))
        raise StorageUnavailable("database kept some reads unprocessed")

    def batch_put(self, items: list[dict], workers: int = 1) -> int:
        """Write items 25 at a time, resending unprocessed ones; never drops a row silently.

        ``workers`` > 1 sends that many batches at once (for large loads of independent puts, such
        as a rebuild's new follow-ups: the waits on the database overlap; the client is thread-safe).
        """
        chunks = [items[start:start + BATCH_WRITE_SIZE] for start in range(0, len(items), BATCH_WRITE_SIZE)]
        if workers > 1 and len(chunks) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(min(workers, len(chunks))) as pool:
                return sum(pool.map(self._write_batch, chunks))
        return sum(self._write_batch(chunk) for chunk in chunks)

    def _write_batch(self, chunk: list[dict]) -> int:
        pending = {self.name: [{"PutRequest": {"Item": serialize(item)}} for item in chunk]}
        for attempt in range(MAX_BATCH_ROUNDS):
            result = self.call("batch_write_item", RequestItems=pending)
            pending = result.get("UnprocessedItems") or {}
            if not pending:
                return len(chunk)
            time.sleep(min(0.05 * 2 ** attempt, 1.0))
        left = len(pending.get(self.name, []))
        raise StorageUnavailable(f"{left} item(s) stayed unprocessed after {MAX_BATCH_ROUNDS} rounds; "
                                 "re-run to finish (writes are idempotent)")

    def transact(self, actions: list[dict]) -> None:
        """Run a TransactWriteItems; ClientError with cancellation reasons goes to the caller."""
        for action in actions:
            for body in action.values():
                body.setdefault("TableName", self.name)
                for key in ("Item", "Key", "ExpressionAttributeValues"):
                    if key in body:
                        body[key] = serialize(body[key])
        self.call("transact_write_items", TransactItems=actions)

    # -- lifecycle ------------------------------------------------------------------
    def ensure_exists(self) -> bool:
        """Create the table if it is missing; return True when it was created."""
        try:
            self.client.describe_table(TableName=self.name)
            return False
        except ClientError as error:
            if error_code(error) != "ResourceNotFoundException":
                raise
        self.client.create_table(**table_definition(self.name))
        self.client.get_waiter("table_exists").wait(
            TableName=self.name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        return True

    def ping(self) -> None:
        """A cheap data-plane read that proves the table is reachable."""
        try:
            self.get("META", "HEALTH", consistent=False)
        except ClientError as error:
            raise StorageUnavailable(f"table {self.name}: {error_code(error)}") from error


def cancellation_reasons(error: ClientError) -> list[str]:
    """Codes of a TransactionCanceledException, one per action ('None' when it passed)."""
    return [reason.get("Code", "None") for reason in error.response.get("CancellationReasons", [])]
