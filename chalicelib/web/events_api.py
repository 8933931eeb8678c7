"""``POST /api/v1/events``: signed program events (issue 27, docs/pulses.md)."""
from __future__ import annotations

from datetime import UTC, datetime

from chalice import Blueprint

from chalicelib import wiring
from chalicelib.security.event_signatures import SignatureRejected, verify
from chalicelib.services.events import accept_event

from .errors import HttpProblem, json_errors, json_response
from .request_body import read_json_body

events_api = Blueprint(__name__)
MAX_EVENT_BYTES = 16_384


@events_api.route("/api/v1/events", methods=["POST"],
                  content_types=["application/json", "text/plain", "application/octet-stream"])
@json_errors
def post_event():
    """202: stored (its pulse is pending); 200: a known event id (stored once); 4xx names the problem."""
    request = events_api.current_request
    now = datetime.now(UTC)
    raw = request.raw_body or b""
    if len(raw) > MAX_EVENT_BYTES:
        raise HttpProblem(413, "too_large", f"an event is at most {MAX_EVENT_BYTES} bytes")
    try:
        source = verify(wiring.event_source_secrets(), request.headers, raw, now)
    except SignatureRejected as error:
        raise HttpProblem(401, "unauthenticated", error.message, error.header) from None
    body = read_json_body(request, MAX_EVENT_BYTES)
    new, result = accept_event(wiring.pulse_store(), wiring.recent_program(), body, now, source)
    return json_response(202 if new else 200, result)
