"""The request edge every route shares: path ids, query parameters and headers used as data are checked
before any route runs, and every response is kept under API Gateway's 6 MB proxy limit.

Rules (one HTTP middleware, installed by ``app.py``):

- path parameters: ids have a fixed shape (``wave_id`` as the domain defines it; invitation and
  comment ids url-safe, at most 160 characters); anything else is a 404 before storage is asked.
  Tokens are left to their verifiers (which answer the same 404 whatever was wrong).
- query parameters: at most ``MAX_QUERY_PARAMS`` values, names up to 64 and values up to
  ``MAX_QUERY_VALUE`` characters, single-line valid Unicode; otherwise a 400 naming the parameter.
- headers the app reads as data (authorization, cookie, accept-language, origin, content-type ...):
  no control characters or surrogates, at most 8 KB; otherwise a 400 naming the header.
- responses: a body whose Lambda payload would pass ``MAX_RESPONSE_BYTES`` becomes a 4xx saying
  how to ask for less (API Gateway would otherwise fail the whole request with a 502).
"""
from __future__ import annotations

import html
import json
import re
from urllib.parse import urlsplit

from chalice import Response

from chalicelib.domain.errors import FieldProblem, InvalidInput, NotFound
from chalicelib.domain.text import repair_text, text_problem
from chalicelib.domain.waves import WAVE_ID

ID = re.compile(r"^[A-Za-z0-9_.-]{1,160}$")
PATH_RULES = {"wave_id": WAVE_ID, "invitation_id": ID, "comment_id": ID,
              "name": re.compile(r"^[A-Za-z0-9_.-]{1,100}$")}  # other parameters: valid text, bounded
MAX_PATH_PARAM = 1000
MAX_QUERY_PARAMS = 50
MAX_QUERY_VALUE = 2000
MAX_HEADER = 8192
DATA_HEADERS = ("authorization", "cookie", "accept-language", "origin", "referer", "content-type",
                "sec-fetch-site", "host", "x-csrf-token")
_HEADER_BAD = re.compile("[\x00-\x08\x0a-\x1f\x7f\ud800-\udfff]")
# API Gateway (REST, Lambda proxy) refuses a Lambda result over 6 MB (10 MB payload on
# HTTP APIs, 6 MB on Lambda itself); keep room for headers and the JSON envelope.
MAX_RESPONSE_BYTES = 5_500_000


def check_wave_id(value, field: str = "wave") -> str:
    """A wave id from a query string or form field: the domain's shape, else NotFound (nothing asked)."""
    if not isinstance(value, str) or not WAVE_ID.match(value):
        raise NotFound()
    return value


def check_id(value, field: str) -> str:
    """An invitation or comment id from a form or query: url-safe, bounded, else InvalidInput."""
    if not isinstance(value, str) or not ID.match(value):
        raise InvalidInput(FieldProblem(field, "is not a valid id"))
    return value


def path_problem(params: dict | None) -> str | None:
    """The first path parameter that cannot name anything (-> 404), or None."""
    for name, value in (params or {}).items():
        if name == "token":  # the token readers answer one identical 404 for any well-formed text
            if not isinstance(value, str) or text_problem(value):
                return name
            continue
        rule = PATH_RULES.get(name)
        if not isinstance(value, str) or len(value) > MAX_PATH_PARAM or text_problem(value) \
                or (rule is not None and not rule.match(value)):
            return name
    return None


def _query_items(request):
    params = request.query_params
    if not params:
        return []
    getlist = getattr(params, "getlist", None)
    return [(k, v) for k in params for v in (getlist(k) if getlist else [params[k]])]


def query_problems(request) -> list[FieldProblem]:
    """Problems with the query string, each naming the parameter."""
    items = _query_items(request)
    if len(items) > MAX_QUERY_PARAMS:
        return [FieldProblem("(query)", f"more than {MAX_QUERY_PARAMS} query parameters")]
    problems = []
    for name, value in items:
        shown = repair_text(str(name))[:64]
        problem = text_problem(name) or ("name is longer than 64 characters" if len(name) > 64 else None)
        if problem is None and value is not None:
            problem = text_problem(value)
            if problem is None and len(value) > MAX_QUERY_VALUE:
                problem = f"is longer than {MAX_QUERY_VALUE} characters"
        if problem:
            problems.append(FieldProblem(shown, problem))
    return problems


def header_problems(request) -> list[FieldProblem]:
    """Problems with the headers the app uses as data, each naming the header."""
    headers = request.headers or {}
    problems = []
    for name in DATA_HEADERS:
        value = headers.get(name)
        if value is None:
            continue
        if len(value) > MAX_HEADER:
            problems.append(FieldProblem(name, f"header is longer than {MAX_HEADER} characters"))
        elif _HEADER_BAD.search(value):
            problems.append(FieldProblem(name, "header contains control characters or invalid Unicode"))
    return problems


def _path(request) -> str:
    return getattr(request, "path", None) or (request.context or {}).get("resourcePath") or ""


def _wants_json(request) -> bool:
    path = _path(request)
    return path.startswith("/api/") or path == "/healthz"


def _error(request, status: int, code: str, message: str, problems=()) -> Response:
    if _wants_json(request):
        body = {"error": code, "message": message, "errors": [p.to_dict() for p in problems]}
        return Response(body=json.dumps(body, ensure_ascii=False), status_code=status,
                        headers={"Content-Type": "application/json; charset=utf-8"})
    page = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{0}</title></head>"
            "<body><main><h1>{0}</h1><p>{1}</p></main></body></html>").format(
        "Not found" if status == 404 else "Check your request", html.escape(message))
    return Response(body=page, status_code=status, headers={"Content-Type": "text/html; charset=utf-8"})


def request_problem(request) -> Response | None:
    """The error response for a request that must not reach any route, or None."""
    if path_problem(request.uri_params):
        return _error(request, 404, "not_found", "Not found.")
    problems = header_problems(request) + query_problems(request)
    if problems:
        first = problems[0]
        return _error(request, 400, "invalid_input", f"{first.field}: {first.message}", problems)
    return None


def payload_bytes(response: Response) -> int:
    """Size of the body as the Lambda result carries it (binary bodies travel base64-encoded)."""
    body = response.body
    if body is None:
        return 0
    if isinstance(body, bytes):
        return len(body) * 4 // 3 + 4
    if isinstance(body, str):
        return len(body.encode("utf-8", "surrogatepass"))
    return len(json.dumps(body).encode("utf-8", "surrogatepass"))


def oversized(request, response: Response) -> Response | None:
    """A 4xx replacing a response too large for API Gateway, or None."""
    size = payload_bytes(response)
    if size <= MAX_RESPONSE_BYTES:
        return None
    message = (f"the answer would be {size / 1e6:.1f} MB, over the {MAX_RESPONSE_BYTES / 1e6:.1f} MB a response "
               "may carry; ask for less (fewer breakdowns in by=, a filter, a smaller page or scope)")
    return _error(request, 413, "response_too_large", message,
                  [FieldProblem("(response)", message)])


def install_request_guard(app) -> None:
    """Register the HTTP middleware that applies the rules above to every route."""
    @app.middleware("http")
    def guard_request(event, get_response):
        refused = request_problem(event)
        if refused is not None:
            return refused
        response = get_response(event)
        return oversized(event, response) or response


def same_site_path(value, prefix: str) -> str | None:
    """``value`` when it is a same-site relative path under ``prefix`` (no scheme, host, backslash,
    control character, ``//``, dot segment or escaped path), else None. Redirect targets (``next``,
    ``back``) go through this."""
    if not isinstance(value, str) or not value or len(value) > MAX_QUERY_VALUE or text_problem(value):
        return None
    if not value.startswith("/") or value.startswith("//") or "\\" in value or " " in value:
        return None
    parts = urlsplit(value)
    if any(segment in (".", "..") for segment in parts.path.split("/")) or "%" in parts.path:
        return None
    if parts.scheme or parts.netloc or not (parts.path == prefix or parts.path.startswith(prefix + "/")):
        return None
    return value
