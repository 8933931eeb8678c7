"""The hostile black-box suite: generated cases, two transports, one scoreboard.

A ``Case`` is one request (method, path, query pairs, headers, body) with the statuses that count as
a correct answer. The same cases run

- over HTTP against ``chalice local`` (raw sockets, so nothing is cleaned up by a client library), and
- as API Gateway proxy events (REST API, stage ``api``) through the Lambda handler ``app(event, context)``,

both against one DynamoDB Local table. For every case the scoreboard counts a failure (status not
among the expected ones), a 5xx, a dropped connection (no status line, a reset, an exception out of
the handler or a result the Lambda runtime could not serialise or that is over 6 MB) and a write on
error (a 4xx/5xx after which the table differs).
"""
from __future__ import annotations

import base64
import json
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

# -- payload corpora --------------------------------------------------------------------------------
BAD_TEXT = {  # never valid anywhere
    "surrogate_high": "a\ud800b", "surrogate_low": "\udfff", "surrogate_pair_reversed": "\udc00\ud800",
    "nul": "x\x00y", "escape": "\x1b[31mred", "bell": "\x07", "backspace": "ab\x08", "delete": "\x7f",
    "c1_nel": "a\x85b", "c1_csi": "\x9b2J", "noncharacter_fffe": "\ufffe", "noncharacter_ffff": "x\uffff",
    "noncharacter_fdd0": "\ufdd0", "lone_cr": "a\rb", "vertical_tab": "a\x0bb", "form_feed": "\x0c",
}
LINE_ONLY_BAD = {  # fine in free text (comments, notes), not in single-line fields
    "lf": "a\nb", "tab": "a\tb", "crlf": "a\r\nb", "line_separator": "a\u2028b", "paragraph_separator": "\u2029",
}
GOOD_FREE_TEXT = {"lf": "two\nlines", "tab": "tab\there", "crlf": "crlf\r\nline", "emoji": "great \U0001F600",
                  "rtl_override": "rtl \u202e txt", "japanese": "日本語のコメント", "zwj": "a\u200db"}
HUGE_NUMBERS = {"digits_5000": "9" * 5000, "negative_5000": "-" + "9" * 5000, "digits_16": "1" + "0" * 15,
                "exp_inf": "1e999", "negative_inf": "-1e999", "long_float": "1." + "0" * 100,
                "exp_400": "1E400"}


def token_mutations(token: str) -> dict[str, str]:
    """Ways a valid token is made non-canonical or broken (each must be refused)."""
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    return {"pad1": token + "=", "pad2": token + "==", "pad3": token + "===", "trailing_dot": token + ".",
            "leading_dot": "." + token, "space": token + "%20", "nul": token + "%00", "newline": token + "%0A",
            "upper": token.upper(), "truncated": token[:-1], "flipped": flipped, "double_dot": token.replace(".", ".."),
            "twice": token + "." + token, "long_401": "A" * 401, "long_5000": "A" * 5000,
            "surrogate_bytes": "%ED%A0%80", "plus": token[:-1] + "+",
            "c1": token + "%C2%85", "padding_inside": token.replace(".", "==.", 1), "tab": token + "%09"}


# -- cases ------------------------------------------------------------------------------------------
@dataclass
class Case:
    """One hostile request and what counts as a correct answer."""

    group: str
    name: str
    method: str
    path: str  # already percent-encoded, as it goes on the wire
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    expect: tuple[int, ...] = (400,)
    writes_ok: bool = False  # a 2xx/3xx that may write (valid input that must keep working)

    def query_string(self) -> str:
        return "&".join(f"{quote(k, safe='', errors='surrogatepass')}={quote(v, safe='', errors='surrogatepass')}"
                        for k, v in self.query)


@dataclass
class Result:
    status: int | None
    size: int = 0
    dropped: str | None = None


@dataclass
class Scoreboard:
    """Totals per transport and group, with the first examples of each problem."""

    cases: int = 0
    failures: list = field(default_factory=list)
    server_errors: list = field(default_factory=list)
    dropped: list = field(default_factory=list)
    writes_on_error: list = field(default_factory=list)
    by_group: dict = field(default_factory=dict)

    def record(self, transport: str, case: Case, result: Result, wrote: bool) -> None:
        self.cases += 1
        self.by_group[case.group] = self.by_group.get(case.group, 0) + 1
        label = f"{transport} {case.group}/{case.name}: {case.method} {case.path[:80]} -> {result.status}"
        if result.dropped:
            self.dropped.append(f"{label} ({result.dropped})")
        elif result.status >= 500:
            self.server_errors.append(label)
        if result.dropped or result.status not in case.expect:
            self.failures.append(f"{label} (expected {case.expect})")
        if wrote:
            self.writes_on_error.append(label)

    def summary(self) -> dict:
        return {"cases": self.cases, "failures": len(self.failures), "server_errors": len(self.server_errors),
                "dropped": len(self.dropped), "writes_on_error": len(self.writes_on_error),
                "by_group": self.by_group, "examples": {
                    "failures": self.failures[:60], "server_errors": self.server_errors[:10],
                    "dropped": self.dropped[:10], "writes_on_error": self.writes_on_error[:10]}}


# -- transports -------------------------------------------------------------------------------------
def _header_bytes(value: str) -> bytes:
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")


class HttpTransport:
    """Raw HTTP/1.1 over a socket: exactly the bytes of the case, one connection per request."""

    name = "http"

    def __init__(self, base_url: str):
        host, port = base_url.split("://", 1)[1].split(":")
        self.address = (host, int(port))

    def send(self, case: Case) -> Result:
        target = case.path + ("?" + case.query_string() if case.query else "")
        lines = [f"{case.method} {target} HTTP/1.1".encode("latin-1", "replace"),
                 f"Host: {self.address[0]}:{self.address[1]}".encode(), b"Connection: close"]
        lines += [name.encode() + b": " + _header_bytes(value) for name, value in case.headers.items()]
        if case.body or case.method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(case.body)}".encode())
        raw = b"\r\n".join(lines) + b"\r\n\r\n" + case.body
        for attempt in range(3):
            try:
                return self._exchange(raw)
            except (ConnectionRefusedError, ConnectionResetError) as error:
                # chalice local's listen backlog is 5: a reset before the request was read is retried,
                # as any client would; a third one is counted as a dropped connection
                if attempt == 2:
                    return Result(None, dropped=type(error).__name__)
                time.sleep(0.05)
            except OSError as error:
                return Result(None, dropped=type(error).__name__)
        return Result(None, dropped="unreachable")  # pragma: no cover

    def _exchange(self, raw: bytes) -> Result:
        with socket.create_connection(self.address, timeout=30) as sock:
            sock.sendall(raw)
            chunks = []
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        data = b"".join(chunks)
        if not data.startswith(b"HTTP/"):
            return Result(None, dropped="no status line")
        status = int(data.split(b" ", 2)[1])
        head, _, body = data.partition(b"\r\n\r\n")
        return Result(status, size=len(body))


class EventTransport:
    """API Gateway (REST, Lambda proxy, stage ``api``) events through ``app(event, context)``."""

    name = "event"
    MAX_RESULT_BYTES = 6 * 1024 * 1024

    def __init__(self, app):
        from chalice.local import LambdaContext, RouteMatcher

        self.app = app
        self.matcher = RouteMatcher(list(app.routes))
        self.context_type = LambdaContext

    def event(self, case: Case) -> dict | None:
        try:
            match = self.matcher.match_route(case.path)
        except ValueError:
            return None  # API Gateway answers 403 "Missing Authentication Token" itself
        if case.method not in self.app.routes[match.route]:
            return {"_status": 403}  # API Gateway: method not configured
        params = {k: unquote(v, errors="surrogatepass") for k, v in match.captured.items()}
        query: dict[str, list[str]] = {}
        for key, value in case.query:
            query.setdefault(key, []).append(value)
        try:
            body, encoded = case.body.decode("utf-8"), False
        except UnicodeDecodeError:
            body, encoded = base64.b64encode(case.body).decode(), True
        headers = {k: v for k, v in case.headers.items()}
        headers.setdefault("Host", "abc123.execute-api.us-east-1.amazonaws.com")
        return {
            "resource": match.route, "path": unquote(case.path, errors="surrogatepass"),
            "httpMethod": case.method, "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
            "multiValueQueryStringParameters": query or None,
            "pathParameters": params or None, "stageVariables": None,
            "requestContext": {"resourcePath": match.route, "httpMethod": case.method, "stage": "api",
                               "path": "/api" + case.path, "requestId": "hostile",
                               "identity": {"sourceIp": "192.0.2.1"}},
            "body": body if case.body else None, "isBase64Encoded": encoded,
        }

    def send(self, case: Case) -> Result:
        event = self.event(case)
        if event is None:
            return Result(403)
        if "_status" in event:
            return Result(event["_status"])
        try:
            result = self.app(event, self.context_type("api_handler", 512))
        except Exception as error:  # noqa: BLE001 - an exception out of the handler = a dropped request
            return Result(None, dropped=f"handler raised {type(error).__name__}")
        try:  # what the Lambda runtime does with the result
            payload = json.dumps(result, ensure_ascii=False).encode("utf-8")
        except (TypeError, ValueError, UnicodeEncodeError) as error:
            return Result(None, dropped=f"result not serialisable ({type(error).__name__})")
        if len(payload) > self.MAX_RESULT_BYTES:
            return Result(None, dropped=f"result of {len(payload)} bytes is over 6 MB")
        return Result(result["statusCode"], size=len(payload))


BATCH = 10


def run_cases(cases: list[Case], transport, dump, board: Scoreboard) -> None:
    """Send every case and prove that nothing was written on error.

    The table is dumped before and after every case that may write (``writes_ok``) and after every
    ``BATCH`` other cases: those must write nothing, whatever they answer (an error must not write,
    and a GET never writes). When a batch changed the table, every case of it that failed is
    counted as a write on error (an upper bound; 0 is exact)."""
    baseline, batch = dump(), []

    def close_batch():
        nonlocal baseline, batch
        current = dump()
        if current != baseline:
            suspects = [label for label, failed in batch if failed] or [label for label, _ in batch]
            board.writes_on_error.extend(suspects)
        baseline, batch = current, []

    for case in cases:
        if case.writes_ok:
            if batch:
                close_batch()
            board.record(transport.name, case, transport.send(case), False)
            baseline = dump()
            continue
        result = transport.send(case)
        board.record(transport.name, case, result, False)
        failed = result.status is None or result.status >= 400
        batch.append((f"{transport.name} {case.group}/{case.name} -> {result.status}", failed))
        if len(batch) >= BATCH:
            close_batch()
    if batch:
        close_batch()
