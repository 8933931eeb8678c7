"""A faster response path for moto's DynamoDB reads, for the test suite only.

moto 5.2 serialises every response through a generic, shape-driven serializer that costs about
a millisecond per attribute value: reading the demo wave's 800 responses took ~30 s, and the
suite spent most of its time there. For the item-returning reads of the JSON protocol the
serialised body is simply the JSON of the result, so those are written with ``json.dumps``;
anything ``json.dumps`` cannot write as-is (binary values, timestamps) goes through moto's own
serializer. tests/unit/test_moto_speed.py checks both paths give the same bodies.
"""
from __future__ import annotations

import json

FAST_OPERATIONS = frozenset({"Query", "Scan", "GetItem", "BatchGetItem"})
CONTENT_TYPE = "application/x-amz-json-1.0"


def install() -> None:
    """Patch moto's DynamoDB result class once (idempotent)."""
    from moto.dynamodb.responses import DynamoResult

    if getattr(DynamoResult, "_pulse_fast", False):
        return
    original = DynamoResult.execute_result

    def execute_result(self, context):
        if context.operation_model.name in FAST_OPERATIONS:
            try:
                return 200, {"Content-Type": CONTENT_TYPE}, json.dumps(self.result)
            except TypeError:  # bytes or datetimes: moto's serializer knows how
                pass
        return original(self, context)

    DynamoResult.execute_result = execute_result
    DynamoResult._pulse_fast = True
    DynamoResult._pulse_original = original
