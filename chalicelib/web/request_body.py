"""Reading request bodies safely: content type, size and syntax checked before use."""
from __future__ import annotations

import json
from typing import Any

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.text import json_problems, parse_bounded_float, parse_bounded_int

from .errors import HttpProblem

ACCEPTED_CONTENT_TYPES = ["application/json", "text/plain", "application/x-www-form-urlencoded",
                          "application/octet-stream", "multipart/form-data"]


def _media_type(headers) -> str:
    return (headers.get("content-type") or "").split(";")[0].strip().lower()


def read_json_body(request, max_bytes: int) -> Any:
    """Parse a JSON request body or raise HttpProblem (415, 413 or 400)."""
    if _media_type(request.headers) != "application/json":
        raise HttpProblem(415, "unsupported_media_type",
                          "send the body as JSON with Content-Type: application/json", "Content-Type")
    raw = request.raw_body or b""
    if len(raw) > max_bytes:
        raise HttpProblem(413, "too_large", f"the body is larger than {max_bytes} bytes")
    if not raw.strip():
        raise HttpProblem(400, "invalid_json", "the body is empty")
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant,
                          parse_int=parse_bounded_int, parse_float=parse_bounded_float)
    except UnicodeDecodeError:
        raise HttpProblem(400, "invalid_json", "the body is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise HttpProblem(400, "invalid_json",
                          f"malformed JSON at line {error.lineno} column {error.colno}: {error.msg}") from None
    except RecursionError:
        raise HttpProblem(400, "invalid_json", "the JSON is nested too deeply") from None
    problems = json_problems(body)
    if problems:  # unpaired surrogates, control characters, huge numbers: named, nothing written
        raise InvalidInput(problems)
    return body


def _reject_constant(name: str):
    raise json.JSONDecodeError(f"{name} is not allowed", name, 0)
