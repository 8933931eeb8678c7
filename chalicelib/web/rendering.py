"""Server-side HTML: one cached Jinja2 environment (autoescape on) and HTML responses."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from chalice import Response

TEMPLATE_DIR = Path(__file__).parent / "templates"
HTML_TYPE = "text/html; charset=utf-8"
# Survey pages carry the invitation token in their URL: never cache them, never leak it.
PAGE_HEADERS = {
    "Content-Type": HTML_TYPE,
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; object-src 'none'; "
                                "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
}


@cache
def environment():
    """The Jinja2 environment, built on first use and reused by every request."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render(template: str, **context) -> str:
    """Render a template to text (autoescaped)."""
    return environment().get_template(template).render(**context)


def html_response(status: int, body: str, headers: dict | None = None, head: bool = False) -> Response:
    """An HTML response with the survey-page headers (no body for HEAD)."""
    return Response(body="" if head else body, status_code=status, headers={**PAGE_HEADERS, **(headers or {})})
