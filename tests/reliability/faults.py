"""Fault injection for DynamoDB: fake throttling answers through botocore's before-send event.

Registered *first*, so it runs before moto's own handler and inside botocore's retry loop
(botocore's Stubber would bypass the retry handler and prove nothing about retries).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from botocore.awsrequest import AWSResponse


class _RawBody:
    def __init__(self, body: bytes):
        self._body = body

    def read(self, *_args, **_kwargs) -> bytes:
        body, self._body = self._body, b""
        return body

    def stream(self, **_kwargs):
        yield self.read()


def throttling_response(request, code: str = "ThrottlingException") -> AWSResponse:
    body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}",
                       "message": "Rate of requests exceeds the allowed throughput."}).encode()
    return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.0",
                                          "x-amzn-RequestId": "fault-injection"}, _RawBody(body))


@dataclass
class Throttler:
    """Answer the next ``remaining`` calls of the given operations with a throttling error."""

    operations: tuple[str, ...]
    remaining: int
    code: str = "ThrottlingException"
    seen: list[str] = field(default_factory=list)

    def __call__(self, request, **kwargs):
        operation = kwargs["event_name"].rsplit(".", 1)[-1]
        self.seen.append(operation)
        if operation in self.operations and self.remaining > 0:
            self.remaining -= 1
            return throttling_response(request, self.code)
        return None

    def install(self, client) -> Throttler:
        client.meta.events.register_first("before-send.dynamodb", self, unique_id="pulse-throttler")
        return self

    def uninstall(self, client) -> None:
        client.meta.events.unregister("before-send.dynamodb", unique_id="pulse-throttler")
