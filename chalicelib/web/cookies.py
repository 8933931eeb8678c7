"""Reading one cookie of a request (Chalice gives the raw ``Cookie`` header only)."""
from __future__ import annotations


def read_cookie(request, name: str) -> str | None:
    """The value of cookie ``name`` in the request (None when absent or empty)."""
    header = (request.headers or {}).get("cookie") or ""
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None
