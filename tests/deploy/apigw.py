"""API Gateway (REST, Lambda proxy) events for calling the packaged handler as AWS would."""
from __future__ import annotations

import base64
import re
from urllib.parse import parse_qsl

API_HOST = "abc123.execute-api.us-east-1.amazonaws.com"


class LambdaContext:
    """The attributes of the Lambda context object the app reads."""

    def __init__(self, function: str = "partner-pulse-dev-api_handler", request_id: str = "req-1"):
        self.aws_request_id = request_id
        self.function_name = function
        self.memory_limit_in_mb = 512
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function}"

    def get_remaining_time_in_millis(self) -> int:
        return 600_000


def resource_of(app, method: str, path: str) -> tuple[str, dict]:
    """The Chalice route (API Gateway resource) that serves ``path``, and its path parameters."""
    for resource, methods in app.routes.items():
        if method not in methods:
            continue
        pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(resource)) + "$"
        match = re.match(pattern, path)
        if match:
            return resource, match.groupdict()
    raise LookupError(f"no route for {method} {path}")


def proxy_event(app, method: str, path: str, *, headers: dict | None = None, body: bytes | str | None = None,
                stage: str = "api", host: str = API_HOST, binary_request: bool = True) -> dict:
    """The event API Gateway sends for ``method https://host/<stage><path>``.

    With ``*/*`` among the binary media types (our template), API Gateway passes every request
    body base64-encoded (``binary_request``).
    """
    path, _, query = path.partition("?")
    resource, params = resource_of(app, method, path)
    pairs = parse_qsl(query, keep_blank_values=True)
    multi: dict[str, list[str]] = {}
    for key, value in pairs:
        multi.setdefault(key, []).append(value)
    headers = {"host": host, "user-agent": "test", **(headers or {})}
    raw = body.encode() if isinstance(body, str) else body
    encoded = binary_request and raw is not None
    return {
        "resource": resource, "path": path, "httpMethod": method,
        "headers": headers, "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in multi.items()} or None,
        "multiValueQueryStringParameters": multi or None,
        "pathParameters": params or None, "stageVariables": None,
        "requestContext": {"resourcePath": resource, "httpMethod": method, "path": f"/{stage}{path}",
                           "stage": stage, "requestId": "req-1", "domainName": host,
                           "identity": {"sourceIp": "192.0.2.10", "userAgent": "test"}},
        "body": (base64.b64encode(raw).decode() if encoded else (raw.decode() if raw is not None else None)),
        "isBase64Encoded": encoded,
    }


def body_bytes(response: dict) -> bytes:
    """What the browser receives: API Gateway decodes a base64 body when the Accept type is binary."""
    body = response.get("body") or ""
    return base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()
