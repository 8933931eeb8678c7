"""The one place where domain errors become HTTP responses."""
from __future__ import annotations

import functools
import json
import logging
import traceback
import uuid

from chalice import Response

from chalicelib.domain.errors import (
    AlreadySubmitted,
    ConcurrentUpdate,
    InvalidInput,
    InvitationUnavailable,
    NotFound,
    PulseError,
    StorageUnavailable,
    VersionConflict,
    WaveClosed,
)
from chalicelib.domain.text import repair_data

logger = logging.getLogger("pulse.web")
JSON = {"Content-Type": "application/json; charset=utf-8"}


class HttpProblem(PulseError):
    """A problem with the HTTP request itself (content type, size, syntax)."""

    def __init__(self, status: int, code: str, message: str, field: str = "(body)"):
        self.status, self.code, self.message, self.field = status, code, message, field
        super().__init__(message)


def json_response(status: int, body: dict, headers: dict | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # text that predates the edge checks: repaired, never a dropped connection
        text = json.dumps(repair_data(body), ensure_ascii=False)
    return Response(body=text, status_code=status, headers={**JSON, **(headers or {})})


def problem_response(error: PulseError) -> Response:
    """Map an application error to a JSON error response (never a 5xx for bad input)."""
    if isinstance(error, HttpProblem):
        return json_response(error.status, {
            "error": error.code, "message": error.message,
            "errors": [{"field": error.field, "message": error.message}]})
    if isinstance(error, InvalidInput):
        return json_response(400, {"error": "invalid_input", "message": error.summary,
                                   "errors": [p.to_dict() for p in error.problems]})
    if isinstance(error, NotFound):
        return json_response(404, {"error": "not_found", "message": "Not found."})
    if isinstance(error, WaveClosed):
        return json_response(410, {"error": "closed", "message": f"This survey closed on {error.closes_at}.",
                                   "closed_at": error.closes_at})
    if isinstance(error, InvitationUnavailable):
        from .i18n import UI_LANGUAGES, Translator

        language = (error.language or "en").split("-")[0]
        language = language if language in UI_LANGUAGES else "en"
        return json_response(410, {"error": f"invitation_{error.state}", "state": error.state,
                                   "language": language,
                                   "message": Translator(language)(f"invitation_{error.state}.body")})
    if isinstance(error, AlreadySubmitted):
        return json_response(409, {"error": "already_submitted", "message": str(error)})
    if isinstance(error, (ConcurrentUpdate, VersionConflict)):
        return json_response(409, {"error": "conflict", "message": str(error)})
    if isinstance(error, StorageUnavailable):
        logger.warning("storage unavailable: %s", error)
        return json_response(503, {"error": "unavailable", "message": "Please try again shortly."},
                             headers={"Retry-After": str(error.retry_after)})
    logger.error("unmapped application error %s", type(error).__name__)
    return json_response(500, {"error": "internal", "message": "Something went wrong."})


def unexpected_error_response(error: Exception) -> Response:
    """A generic 500 with a reference; the log gets the traceback but not the message,
    which could quote partner input."""
    reference = uuid.uuid4().hex[:16]
    logger.error("unexpected %s (reference %s)\n%s", type(error).__name__, reference,
                 "".join(traceback.format_tb(error.__traceback__)))
    return json_response(500, {"error": "internal", "request_id": reference,
                               "message": "Something went wrong on our side. Quote this reference if you "
                                          "contact us."})


def json_errors(view):
    """Decorator for JSON routes: every error becomes a JSON error response, never a traceback."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except PulseError as error:
            return problem_response(error)
        except Exception as error:  # noqa: BLE001 - the last line of defence for users
            return unexpected_error_response(error)
    return wrapper
