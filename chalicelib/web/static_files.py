"""Serving the form's vendored static assets (a fixed allow-list, never a path from the URL)."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from chalice import Response

STATIC_DIR = Path(__file__).parent / "static"
ASSETS = {"form.css": "text/css; charset=utf-8", "form.js": "text/javascript; charset=utf-8"}
MAX_AGE = 3600


@cache
def _read(name: str) -> str:
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def static_response(name: str, head: bool = False) -> Response:
    """The asset called ``name`` or a plain 404 (unknown names never touch the file system)."""
    if name not in ASSETS:
        return Response(body="" if head else "Not found\n", status_code=404,
                        headers={"Content-Type": "text/plain; charset=utf-8"})
    return Response(body="" if head else _read(name), status_code=200,
                    headers={"Content-Type": ASSETS[name], "Cache-Control": f"public, max-age={MAX_AGE}"})
