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
    _serialise_dynamodb_calls()


def _serialise_dynamodb_calls() -> None:
    """One moto DynamoDB call at a time, as DynamoDB itself is safe under concurrency and moto is not.

    The snapshot refresh writes its parts on a worker thread while the caller queries follow-ups
    (``services/results.py``); moto's queries iterate the table's item dict, so a put from the other
    thread raised "dictionary changed size during iteration" (the flaky
    ``tests/deploy/test_api_gateway.py`` fixture, issue 23). A lock around moto's request handler
    makes each call atomic, which is what the real service guarantees."""
    import threading

    from moto.dynamodb.responses import DynamoHandler

    if getattr(DynamoHandler, "_pulse_serialised", False):
        return
    lock = threading.RLock()
    call_action = DynamoHandler.call_action

    def serialised(self, *args, **kwargs):
        with lock:
            return call_action(self, *args, **kwargs)

    DynamoHandler.call_action = serialised
    DynamoHandler._pulse_serialised = True
