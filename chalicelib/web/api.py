"""JSON API: health check and partner response submission."""
from __future__ import annotations

from datetime import UTC, datetime

from chalice import Blueprint

from chalicelib import wiring
from chalicelib.domain.errors import InvitationUnavailable, StorageUnavailable
from chalicelib.services import submissions
from chalicelib.services.invitation_document import invitation_document, served_language

from .errors import json_errors, json_response
from .request_body import ACCEPTED_CONTENT_TYPES, read_json_body

api = Blueprint(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


@api.route("/healthz", methods=["GET"])
def healthz():
    try:
        wiring.repositories().health.ping()
    except StorageUnavailable as error:
        return json_response(503, {"status": "unavailable", "dynamodb": str(error)},
                             headers={"Retry-After": "5"})
    return json_response(200, {"status": "ok", "dynamodb": "ok"})


@api.route("/api/v1/invitations/{token}", methods=["GET"])
@json_errors
def get_invitation(token):
    view = submissions.open_invitation(wiring.repositories(), wiring.invitation_tokens(), token)
    if view.refused_state:
        raise InvitationUnavailable(view.refused_state, served_language(view))
    return json_response(200, invitation_document(view, _now(), _labels()))


def _labels():
    """The program's labels for piping ``{partner.tier}`` (read only when a text asks for them)."""
    def label(dimension: str, value: str) -> str:
        from chalicelib.services.program import current_program

        return current_program(wiring.repositories()).label(dimension, value)
    return label


@api.route("/api/v1/invitations/{token}/response", methods=["PUT"],
           content_types=ACCEPTED_CONTENT_TYPES)
@json_errors
def put_response(token):
    request = api.current_request
    body = read_json_body(request, wiring.settings().max_body_bytes)
    result = submissions.submit_response(
        wiring.repositories(), wiring.invitation_tokens(), token, body, _now())
    response = result.response
    return json_response(201 if result.created else 200, {
        "status": response.status, "version": response.version,
        "submitted_at": response.submitted_at, "updated_at": response.updated_at})
