"""Links that e-mails point to: one-click unsubscribe (RFC 8058) and the "opened" beacon.

- ``GET /u/{token}`` only shows a confirm page: link scanners and prefetchers that follow
  every URL in a message change nothing.
- ``POST /u/{token}`` records the opt-out: from the page's button, or from a mail client's
  RFC 8058 one-click request (body ``List-Unsubscribe=One-Click``).
- ``POST /api/v1/invitations/{token}/opened`` marks the invitation ``opened`` once; the form
  page calls it after it has loaded in a browser. A GET or HEAD of the survey link (what
  security scanners do) never changes an invitation's state.
"""
from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs

from chalice import Blueprint, Response

from chalicelib import wiring
from chalicelib.domain.errors import NotFound, PulseError

from .errors import json_errors, problem_response

mail_links = Blueprint(__name__)
HTML = {"Content-Type": "text/html; charset=utf-8"}
FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]
NOT_FOUND_PAGE = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title>"
                  "</head><body><main><h1>Not found</h1><p>This link is not valid.</p></main></body></html>")


def _now() -> datetime:
    return datetime.now(UTC)


def _html(status: int, body: str) -> Response:
    return Response(body=body, status_code=status, headers=HTML)


def _is_one_click(request) -> bool:
    raw = request.raw_body or b""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    if "List-Unsubscribe=One-Click" in text:  # urlencoded, or a multipart part's value
        return True
    return parse_qs(text).get("List-Unsubscribe") == ["One-Click"]


@mail_links.route("/u/{token}", methods=["GET"])
def unsubscribe_page(token):
    from chalicelib.mail.compose import render_unsubscribe_page
    from chalicelib.services.distribution import unsubscribe_language

    try:
        language = unsubscribe_language(wiring.distribution(), token)
    except NotFound:
        return _html(404, NOT_FOUND_PAGE)
    except PulseError as error:
        return problem_response(error)
    return _html(200, render_unsubscribe_page(language, action="", done=False))


@mail_links.route("/u/{token}", methods=["POST"], content_types=FORM_TYPES)
def unsubscribe(token):
    from chalicelib.mail.compose import render_unsubscribe_page
    from chalicelib.services.distribution import opt_out, unsubscribe_language

    one_click = _is_one_click(mail_links.current_request)
    distribution = wiring.distribution()
    try:
        language = unsubscribe_language(distribution, token)  # every read before the one write
        opt_out(distribution, token, _now(), method="one-click" if one_click else "page")
    except NotFound:
        return _html(404, NOT_FOUND_PAGE)
    except PulseError as error:
        return problem_response(error)
    if one_click:
        return Response(body="unsubscribed", status_code=200, headers={"Content-Type": "text/plain"})
    return _html(200, render_unsubscribe_page(language, action="", done=True))


@mail_links.route("/api/v1/invitations/{token}/opened", methods=["POST"],
                  content_types=["application/json", "text/plain", "application/x-www-form-urlencoded"])
@json_errors
def invitation_opened(token):
    from chalicelib.services.distribution import record_opened

    d = wiring.distribution()
    record_opened(d.repos, d.sends, d.invitation_tokens, token, _now())
    return Response(body="", status_code=204)
